using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Uncloak.Core.Events;
using Uncloak.Core.Forensics;
using Uncloak.Core.Probes;

namespace Uncloak.Linux.Probes;

/// <summary>
/// One ICMP echo, answered or not within a timeout. Uses an unprivileged ICMP datagram ("ping") socket when
/// <c>net.ipv4.ping_group_range</c> admits the daemon's group, else a raw socket (root or CAP_NET_RAW); never runs
/// <c>ping</c>. One request per call, one socket per call: bounded in packets (one out) and time (the timeout).
/// </summary>
public static class IcmpPinger
{
    private static int s_sequence;

    /// <summary>
    /// Sends one echo request to <paramref name="target"/> and waits up to <paramref name="timeout"/>. Returns ""
    /// and the round trip on a reply, else a <see cref="VantageFailure"/> class. Throws only for cancellation of
    /// <paramref name="cancel"/>, and <see cref="SocketException"/> when no ICMP socket of either kind may be opened.
    /// </summary>
    public static async Task<(string Failure, TimeSpan Latency)> EchoAsync(NetAddress target, TimeSpan timeout, CancellationToken cancel)
    {
        bool v6 = target.IsV6;
        var (socket, raw) = Open(v6);
        using (socket)
        {
            ushort sequence = (ushort)Interlocked.Increment(ref s_sequence);
            // A raw socket sees every ICMP packet of the host: the identifier tells ours from other pings.
            ushort identifier = (ushort)(Environment.ProcessId ^ 0x5543);
            var request = new byte[IcmpEcho.HeaderSize + 16];
            IcmpEcho.WriteRequest(request, v6, identifier, sequence, "uncloak vantage!"u8);
            var endpoint = new IPEndPoint(target.ToIPAddress(), 0);
            var buffer = new byte[1500];
            var sw = Stopwatch.StartNew();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            cts.CancelAfter(timeout);
            try
            {
                await socket.SendToAsync(request, SocketFlags.None, endpoint, cts.Token).ConfigureAwait(false);
                // Bounded by the timeout; each packet that is not ours (another ping on a raw socket) just loops.
                while (true)
                {
                    var got = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(v6 ? IPAddress.IPv6Any : IPAddress.Any, 0), cts.Token).ConfigureAwait(false);
                    var reply = IcmpEcho.Read(buffer.AsSpan(0, got.ReceivedBytes), v6, withIpHeader: raw, raw ? identifier : null, sequence);
                    if (reply == IcmpReply.Other || (reply == IcmpReply.EchoReply && !target.ToIPAddress().Equals(((IPEndPoint)got.RemoteEndPoint).Address)))
                    {
                        continue;
                    }
                    return (reply switch
                    {
                        IcmpReply.EchoReply => "",
                        IcmpReply.TimeExceeded => VantageFailure.TimeExceeded,
                        _ => VantageFailure.Unreachable,
                    }, sw.Elapsed);
                }
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                return (VantageFailure.Timeout, sw.Elapsed);
            }
            catch (SocketException e)
            {
                return (Classify(e.SocketErrorCode), sw.Elapsed);
            }
        }
    }

    /// <summary>The failure class of a send or receive error: the local stack's own verdict on the path.</summary>
    private static string Classify(SocketError error) => error switch
    {
        // EHOSTUNREACH after failed ARP, ENETUNREACH without a route: the local stack knows it cannot deliver.
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown => VantageFailure.Unreachable,
        SocketError.TimedOut => VantageFailure.Timeout,
        SocketError.ConnectionRefused => VantageFailure.Refused,
        _ => VantageFailure.Error,
    };

    private static (Socket Socket, bool Raw) Open(bool v6)
    {
        var family = v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var protocol = v6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp;
        try
        {
            return (new Socket(family, SocketType.Dgram, protocol), false);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AccessDenied or SocketError.ProtocolNotSupported or SocketError.SocketNotSupported)
        {
            // EACCES: the daemon's group is outside ping_group_range (its default "1 0" admits nobody); root still may
            // open a raw socket. If that fails too, the caller reports the environment error.
            return (new Socket(family, SocketType.Raw, protocol), true);
        }
    }
}
