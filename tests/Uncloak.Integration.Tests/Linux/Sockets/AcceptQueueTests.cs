using System.Net;
using System.Net.Sockets;
using Uncloak.Linux.Counters;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Sockets;

/// <summary>Issue 3: a listener whose application never accepts is reported as an exhausted accept queue.</summary>
public sealed class AcceptQueueTests
{
    private const int Port = 8082;
    private const int Backlog = 4;

    [RootFact]
    public void A_listener_that_never_accepts_is_reported_at_its_backlog_and_ListenOverflows_moves()
    {
        using var lab = NetworkLab.Create();
        using var listener = lab.InServer(() =>
        {
            var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(lab.ServerAddress, Port));
            l.Listen(Backlog); // and never accept(): the worker pool is "stuck"
            return l;
        });
        long overflowsBefore = lab.InServer(() => new CounterReader(procNet: "/proc/thread-self/net").Read()["TcpExt.ListenOverflows"] ?? 0);

        // Twice the backlog of clients, each connect bounded: the ones beyond the queue stay in SYN-SENT and are dropped.
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < Backlog * 2; i++)
            {
                var c = lab.InPeer(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false });
                clients.Add(c);
                try
                {
                    c.Connect(new IPEndPoint(lab.ServerAddress, Port));
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                    // Non-blocking connect: the handshake proceeds in the kernel.
                }
            }

            var report = Poll.Until(() =>
            {
                var r = lab.InServer(() => CliRun.Run("sockets", "--once", "--json"));
                return r.Json.GetProperty("findings").EnumerateArray().Any(f => f.GetProperty("kind").GetString() == "accept_queue_full") ? r : null;
            }, TimeSpan.FromSeconds(10), "the accept queue to fill");
            Assert.Equal(1, report.ExitCode);
            var finding = report.Json.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "accept_queue_full");
            Assert.Equal(Port, finding.GetProperty("local_port").GetInt32());
            Assert.Equal(Backlog, finding.GetProperty("backlog").GetInt32());
            Assert.True(finding.GetProperty("accept_queue").GetInt32() >= Backlog);

            Poll.Until(() => lab.InServer(() => new CounterReader(procNet: "/proc/thread-self/net").Read()["TcpExt.ListenOverflows"]) > overflowsBefore ? "moved" : null,
                TimeSpan.FromSeconds(10), "ListenOverflows to move");
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
    }
}
