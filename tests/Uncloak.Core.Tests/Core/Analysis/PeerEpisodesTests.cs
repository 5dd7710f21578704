using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

public sealed class PeerEpisodesTests
{
    private static readonly DateTime T0 = new(2026, 6, 17, 4, 0, 0, DateTimeKind.Utc);

    private static NetEvent Treason(int second, ushort peerPort, uint sndUna) => new()
    {
        Kind = EventKind.Treason, Time = T0.AddSeconds(second), Peer = NetAddress.Parse("198.18.3.5"), PeerPort = peerPort, LocalPort = 443, SeqFrom = sndUna, UptimeMicros = -1,
    };

    private static NetEvent Kind(EventKind kind, int second) => new() { Kind = kind, Time = T0.AddSeconds(second), Peer = NetAddress.Parse("198.18.3.5"), LocalPort = 80, UptimeMicros = -1 };

    [Fact]
    public void Treason_lines_of_one_stall_are_one_episode_and_other_kinds_split_on_quiet_gaps()
    {
        var episodes = PeerEpisodes.Fold([
            Treason(0, 5000, 77), Treason(3, 5000, 77), Treason(9, 5000, 77), // the kernel re-probing one stuck snd_una
            Treason(12, 5000, 99),                                             // the same connection stalls again
            Kind(EventKind.ZeroWindowHold, 1), Kind(EventKind.ZeroWindowHold, 200), // within 5 min: one episode
            Kind(EventKind.ZeroWindowHold, 200 + 301),                              // after 5 min of quiet: a second
            new NetEvent { Kind = EventKind.ZeroWindowHold, UptimeMicros = -1 },   // no time: skipped
        ]);
        Assert.Equal(
            [(EventKind.Treason, 3L), (EventKind.ZeroWindowHold, 2L), (EventKind.Treason, 1L), (EventKind.ZeroWindowHold, 1L)],
            episodes.Select(e => (e.Kind, e.Events)));
        Assert.Equal(T0.AddSeconds(9), episodes[0].Last);
    }
}
