using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Uncloak.Core.Rulesets;
using Uncloak.Firewall.Interop;

namespace Uncloak.Firewall.Nftables;

/// <summary>
/// Notices when Uncloak's ban table is taken away underneath the daemon — <c>nft flush ruleset</c>, a
/// <c>systemctl restart nftables</c> whose config starts with <c>flush ruleset</c>, a hand-deleted set or chain — from the
/// kernel's own nftables notifications (netlink group NFNLGRP_NFTABLES), without polling. It only raises
/// <see cref="Damage"/>; the owner repairs (reconciles from the store) on its own thread, so the store is never touched
/// from here. A lost notification (the socket's buffer overran: ENOBUFS) counts as <see cref="TableDamage.Unsure"/>: the
/// owner then checks the table's structure, which is all a lost deletion can have changed.
/// </summary>
public sealed class NftTableMonitor : IDisposable
{
    private const int NFT_MSG_DELTABLE = 2;
    private const int NFT_MSG_DELCHAIN = 5;
    private const int NFT_MSG_DELRULE = 8;
    private const int NFT_MSG_DELSET = 11;

    /// <summary>NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE and NFTA_SET_TABLE are all attribute 1: the table.</summary>
    private const int TableAttribute = 1;

    private const int SOL_SOCKET = 1;
    private const int SO_RCVBUFFORCE = 33;

    /// <summary>Asked for (the kernel doubles it for its bookkeeping): a 100,000-element commit's notifications fit.</summary>
    private const int ReceiveBuffer = 32 << 20;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _damage;

    private NftTableMonitor(Socket socket)
    {
        _socket = socket;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The worst seen since the last <see cref="TakeDamage"/>: a deletion of the ban table, one of its chains, sets or rules, or lost notifications.</summary>
    public TableDamage Damage => (TableDamage)Volatile.Read(ref _damage);

    /// <summary>Returns <see cref="Damage"/> and clears it: the caller repairs now, and a deletion after this call is seen again.</summary>
    public TableDamage TakeDamage() => (TableDamage)Interlocked.Exchange(ref _damage, (int)TableDamage.None);

    /// <summary>How many times the kernel dropped notifications because the socket's buffer was full (for the log and tests).</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    private long _overruns;

    /// <summary>How many deletions of the ban table's objects the kernel announced (for the log and tests).</summary>
    public long Deletions => Interlocked.Read(ref _deletions);

    private long _deletions;

    /// <summary>
    /// Subscribes in the caller's network namespace (the group needs no privilege). Throws <see cref="FirewallException"/>
    /// when the kernel refuses the socket (a kernel without nfnetlink, a seccomp filter).
    /// </summary>
    public static NftTableMonitor Start()
    {
        int fd = Netlink.Socket(Netlink.AF_NETLINK, Netlink.SOCK_RAW | Netlink.SOCK_CLOEXEC, Netlink.NETLINK_NETFILTER);
        if (fd < 0)
        {
            throw new FirewallException("socket(AF_NETLINK, NETLINK_NETFILTER) failed: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }
        var address = new Netlink.SockaddrNl { Family = Netlink.AF_NETLINK, Groups = 1u << (Netlink.NFNLGRP_NFTABLES - 1) };
        if (Netlink.Bind(fd, address, Marshal.SizeOf<Netlink.SockaddrNl>()) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Netlink.Close(fd);
            throw new FirewallException("bind(NFNLGRP_NFTABLES) failed: " + Marshal.GetPInvokeErrorMessage(errno));
        }
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        // Adding 100,000 bans announces each element (≈ 10 MB of messages, in the kernel's coalesced datagrams): a buffer
        // that holds such a commit keeps overruns (an extra check each) rare. SO_RCVBUF is capped at net.core.rmem_max
        // (often 208 KB); root may force past it. Memory is only taken while notifications wait to be read.
        try
        {
            socket.SetRawSocketOption(SOL_SOCKET, SO_RCVBUFFORCE, BitConverter.GetBytes(ReceiveBuffer));
        }
        catch (SocketException)
        {
            socket.ReceiveBufferSize = ReceiveBuffer; // EPERM without CAP_NET_ADMIN: as much as rmem_max allows
        }
        return new NftTableMonitor(socket);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
            {
                // ENOBUFS: the kernel dropped notifications we did not read in time; one of them may have been a deletion.
                Interlocked.Increment(ref _overruns);
                Interlocked.CompareExchange(ref _damage, (int)TableDamage.Unsure, (int)TableDamage.None);
                continue;
            }
            if (n == 0)
            {
                return;
            }
            int deletions = CountDeletions(buffer.AsSpan(0, n), BanSets.Table);
            if (deletions > 0)
            {
                Interlocked.Add(ref _deletions, deletions);
                Interlocked.Exchange(ref _damage, (int)TableDamage.Deleted);
            }
        }
    }

    /// <summary>
    /// Counts the messages of one netlink datagram that delete <paramref name="table"/> (family inet) or a chain, set or rule
    /// of it. Malformed or truncated messages end the walk: they count as nothing (the kernel does not send them).
    /// </summary>
    public static int CountDeletions(ReadOnlySpan<byte> datagram, string table)
    {
        Span<byte> name = stackalloc byte[Encoding.ASCII.GetByteCount(table)];
        Encoding.ASCII.GetBytes(table, name);
        int count = 0;
        while (datagram.Length >= 16)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            if (length < 16 || length > datagram.Length)
            {
                break;
            }
            var message = datagram[..length];
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(message[4..]);
            int kind = type & 0xff;
            if (type >> 8 == SetElementBatch.NFNL_SUBSYS_NFTABLES && kind is NFT_MSG_DELTABLE or NFT_MSG_DELCHAIN or NFT_MSG_DELRULE or NFT_MSG_DELSET
                && message.Length >= 20 && message[16] == SetElementBatch.NFPROTO_INET && TableIs(message[20..], name))
            {
                count++;
            }
            datagram = datagram[Math.Min(Align(length), datagram.Length)..];
        }
        return count;
    }

    private static bool TableIs(ReadOnlySpan<byte> attributes, ReadOnlySpan<byte> name)
    {
        while (attributes.Length >= 4)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(attributes);
            int type = BinaryPrimitives.ReadUInt16LittleEndian(attributes[2..]) & 0x3fff;
            if (length < 4 || length > attributes.Length)
            {
                return false;
            }
            if (type == TableAttribute)
            {
                var value = attributes[4..length];
                int nul = value.IndexOf((byte)0);
                return (nul >= 0 ? value[..nul] : value).SequenceEqual(name);
            }
            attributes = attributes[Math.Min(Align(length), attributes.Length)..];
        }
        return false;
    }

    private static int Align(int length) => (length + 3) & ~3;

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException or ObjectDisposedException))
        {
            // the loop ended because we stopped it
        }
        _stop.Dispose();
    }
}
