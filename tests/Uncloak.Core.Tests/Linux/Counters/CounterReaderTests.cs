using System.Text;
using Uncloak.Core.Counters;
using Uncloak.Linux.Counters;
using Xunit;

namespace Uncloak.Core.Tests.Counters;

public sealed class CounterReaderTests
{
    private static string Tree(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    [Fact]
    public void A_6_18_proc_tree_yields_every_watched_signal_by_name()
    {
        var snapshot = new CounterReader(Tree("proc-6.18")).Read();
        Assert.Equal(0, snapshot.Malformed);
        foreach (var signal in CounterSignal.All.Where(s => s.Name != CounterSignal.ConntrackFillName))
        {
            Assert.True(snapshot.TryGet(signal.Name, out _), $"{signal.Name} missing");
        }
        Assert.Equal(58982, snapshot["Conntrack.count"]);
        Assert.Equal(65536, snapshot["Conntrack.max"]);
        Assert.True(snapshot.Values.Count > 150);
    }

    [Fact]
    public void Values_are_mapped_by_header_name_whatever_their_position()
    {
        var snapshot = new CounterReader(Tree("proc-old")).Read();
        Assert.Equal(42, snapshot["TcpExt.ListenOverflows"]);
        Assert.Equal(9, snapshot["TcpExt.TCPWinProbe"]);
        Assert.Equal(2, snapshot["Sockstat.TCP.orphan"]);
        Assert.Null(snapshot["TcpExt.TCPReqQFullDrop"]);
        Assert.Null(snapshot["Conntrack.count"]);
    }

    [Fact]
    public void A_conntrack_table_at_90_percent_is_an_alarm()
    {
        var snapshot = new CounterReader(Tree("proc-6.18")).Read();
        var fill = CounterRates.Between(null, snapshot).Single(r => r.Signal.Name == CounterSignal.ConntrackFillName);
        Assert.Equal(90.0, fill.Value);
        Assert.True(fill.IsAlarm);
    }

    [Fact]
    public void Rates_between_two_snapshots_are_per_second_and_resets_do_not_go_negative()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var before = new CounterSnapshot(t0, new() { ["TcpExt.ListenOverflows"] = 100, ["TcpExt.TCPWinProbe"] = 50, ["Tcp.CurrEstab"] = 10 }, 0);
        var after = new CounterSnapshot(t0.AddSeconds(2), new() { ["TcpExt.ListenOverflows"] = 110, ["TcpExt.TCPWinProbe"] = 5, ["Tcp.CurrEstab"] = 4 }, 0);
        var readings = CounterRates.Between(before, after).ToDictionary(r => r.Signal.Name);
        Assert.Equal(10, readings["TcpExt.ListenOverflows"].Delta);
        Assert.Equal(5, readings["TcpExt.ListenOverflows"].PerSecond);
        Assert.True(readings["TcpExt.ListenOverflows"].IsAlarm);
        Assert.Equal(0, readings["TcpExt.TCPWinProbe"].Delta);
        Assert.Equal(-6, readings["Tcp.CurrEstab"].Delta);
        Assert.False(readings["TcpExt.TCPReqQFullDrop"].Present);
        var alarms = CounterRates.Alarms(CounterRates.Between(before, after), after.Time, 2000).ToList();
        Assert.Contains(alarms, a => a.Prefix == "TcpExt.ListenOverflows" && a.Count == 10);
    }

    [Fact]
    public void The_reader_stamps_snapshots_with_the_given_clock()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var reader = new CounterReader(Tree("proc-6.18"), time: clock);
        var a = reader.Read();
        clock.Advance(TimeSpan.FromSeconds(5));
        var b = reader.Read();
        Assert.Equal(TimeSpan.FromSeconds(5), b.Time - a.Time);
    }

    [Theory]
    [InlineData("TcpExt: A B\n")]
    [InlineData("TcpExt: A B\nTcpExt: 1\n")]
    [InlineData("TcpExt: A B\nIpExt: 1 2\n")]
    [InlineData("TcpExt: A\nTcpExt: x\n")]
    [InlineData(":\n:\n")]
    [InlineData("TcpExt: A\nTcpExt: 99999999999999999999999\n")]
    public void Malformed_counter_text_is_counted_not_thrown(string text)
    {
        var values = new Dictionary<string, long>();
        Assert.True(ProcNetParser.ParseHeaderValuePairs(Encoding.ASCII.GetBytes(text), values) > 0);
    }
}
