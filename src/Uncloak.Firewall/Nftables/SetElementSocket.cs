using System.Net.Sockets;
using System.Runtime.InteropServices;
using Uncloak.Core.Decisions;
using Uncloak.Core.Rulesets;
using Uncloak.Firewall.Interop;

namespace Uncloak.Firewall.Nftables;

/// <summary>
/// A NETLINK_NETFILTER socket that sends <see cref="SetElementBatch"/> batches: ban element changes of the hash sets
/// straight to the kernel, one transaction each, without libnftables' parse (issue 17). Talks to the network namespace of
/// the thread that opened it, like a libnftables context, so both are opened together. Not thread-safe.
/// </summary>
public sealed class SetElementSocket : IDisposable
{
    // The acknowledgements of a 100,000-element batch are ~45 headers of 36 bytes; errors carry no payload (NETLINK_CAP_ACK).
    private const int ReceiveBufferSize = 64 * 1024;

    private const int SOL_SOCKET = 1;
    private const int SO_SNDBUFFORCE = 32;
    private const int SOL_NETLINK = 270;
    private const int NETLINK_CAP_ACK = 10;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[ReceiveBufferSize];
    private int _sendBuffer;
    private uint _sequence = (uint)Environment.TickCount;

    private SetElementSocket(Socket socket) => _socket = socket;

    /// <summary>
    /// Opens the socket, or returns null when the kernel refuses one (no nf_tables netlink, a policy forbidding it):
    /// every change then goes through libnftables as before.
    /// </summary>
    public static SetElementSocket? TryOpen()
    {
        int fd = Netlink.Socket(Netlink.AF_NETLINK, Netlink.SOCK_RAW | Netlink.SOCK_CLOEXEC, Netlink.NETLINK_NETFILTER);
        if (fd < 0)
        {
            return null; // EMFILE, EPERM from a seccomp/LSM policy, EPROTONOSUPPORT without nfnetlink: libnftables remains
        }
        // The managed Socket does not know AF_NETLINK, but over an existing descriptor Send/Receive work.
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { ReceiveTimeout = 10_000 };
        try
        {
            // Error replies without a copy of the refused message: one refused 60 KB element message could otherwise
            // overflow the receive buffer and lose the acknowledgements after it.
            socket.SetRawSocketOption(SOL_NETLINK, NETLINK_CAP_ACK, BitConverter.GetBytes(1));
            return new SetElementSocket(socket);
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null; // a kernel before 4.3 (no NETLINK_CAP_ACK): libnftables remains
        }
    }

    /// <summary>
    /// Applies the change as one transaction and waits for the kernel's answer. Returns null when the kernel applied
    /// it; otherwise why not (the kernel's errno, or a send/receive failure), in which case nothing of the batch is in
    /// force when the kernel refused it, and the outcome is unknown when the socket failed: either way the caller runs
    /// the same change through libnftables, which is idempotent (adds of present elements, deletes preceded by adds).
    /// </summary>
    public string? TryApply(IReadOnlyCollection<BanTarget> remove, IReadOnlyCollection<BanElement> add, DateTimeOffset now)
    {
        uint first = _sequence;
        var batch = SetElementBatch.Render(remove, add, now, first);
        _sequence = batch.LastSequence + 2;
        try
        {
            // The kernel reads a batch from one datagram, which must fit the send buffer; root may raise it past wmem_max.
            if (batch.Bytes.Length + 4096 > _sendBuffer)
            {
                _sendBuffer = batch.Bytes.Length + 4096;
                _socket.SetRawSocketOption(SOL_SOCKET, SO_SNDBUFFORCE, BitConverter.GetBytes(_sendBuffer));
            }
            // The kernel processes the batch inside this call: when it returns, the transaction is committed or aborted.
            int sent = _socket.Send(batch.Bytes.Span);
            if (sent != batch.Bytes.Length)
            {
                return $"netlink sent {sent} of {batch.Bytes.Length} bytes";
            }
            return ReadAcks(batch, first);
        }
        catch (SocketException e)
        {
            return $"netlink: {e.Message}";
        }
    }

    /// <summary>
    /// Every element message asked for an acknowledgement, and the kernel sends them all once the batch is done, after
    /// any error of the commit itself; one nonzero error means the whole batch was aborted. An error about the batch's
    /// first message (EPERM without CAP_NET_ADMIN, ENOMEM) may be all that comes. Replies numbered outside this batch
    /// (left by an earlier batch that timed out) are skipped.
    /// </summary>
    private string? ReadAcks(SetElementBatch.Rendered batch, uint first)
    {
        int acks = 0;
        int firstError = 0;
        bool last = false;
        while (!last)
        {
            int n = _socket.Receive(_buffer);
            var datagram = _buffer.AsSpan(0, n);
            while (datagram.Length > 0)
            {
                bool ack = SetElementBatch.TryReadAck(datagram, out int length, out uint sequence, out int error);
                if (length == 0)
                {
                    return "netlink: a reply that is not a whole netlink message";
                }
                if (ack && sequence - first <= batch.LastSequence - first)
                {
                    if (error != 0 && firstError == 0)
                    {
                        firstError = error;
                    }
                    acks += error == 0 ? 1 : 0;
                    last |= sequence == batch.LastSequence || (sequence == first && error != 0);
                }
                datagram = datagram[length..];
            }
        }
        if (firstError != 0)
        {
            return $"the kernel refused the batch (errno {-firstError}: {Marshal.GetPInvokeErrorMessage(-firstError)})";
        }
        return acks == batch.Acks ? null : $"netlink: {acks} of {batch.Acks} messages acknowledged";
    }

    public void Dispose() => _socket.Dispose();
}
