using System.Buffers.Binary;
using System.Text;
using Uncloak.Firewall.Nftables;
using Xunit;

namespace Uncloak.Core.Tests.Bans;

/// <summary>
/// Which nftables notifications mean the ban table was taken away: the kernel's message layout (nlmsghdr, nfgenmsg,
/// attributes; include/uapi/linux/netfilter/nf_tables.h) built byte by byte. The real kernel's messages are exercised by
/// the integration test that flushes the ruleset under a running daemon.
/// </summary>
public sealed class NftTableMonitorTests
{
    private const ushort DelTable = (10 << 8) | 2, DelChain = (10 << 8) | 5, DelSet = (10 << 8) | 11, NewSetElem = (10 << 8) | 12, NewGen = (10 << 8) | 16;
    private const byte Inet = 1, Ip = 2;

    [Fact]
    public void Deleting_the_inet_uncloak_table_its_chains_or_sets_counts_other_tables_families_and_additions_do_not()
    {
        Assert.Equal(1, NftTableMonitor.CountDeletions(Message(DelTable, Inet, "uncloak"), "uncloak"));
        Assert.Equal(3, NftTableMonitor.CountDeletions([.. Message(DelSet, Inet, "uncloak"), .. Message(NewGen, 0, null), .. Message(DelChain, Inet, "uncloak"), .. Message(DelTable, Inet, "uncloak")], "uncloak"));
        Assert.Equal(0, NftTableMonitor.CountDeletions(Message(DelTable, Ip, "uncloak"), "uncloak"));
        Assert.Equal(0, NftTableMonitor.CountDeletions(Message(DelTable, Inet, "uncloak2"), "uncloak"));
        Assert.Equal(0, NftTableMonitor.CountDeletions(Message(DelTable, Inet, "filter"), "uncloak"));
        Assert.Equal(0, NftTableMonitor.CountDeletions(Message(NewSetElem, Inet, "uncloak"), "uncloak"));
    }

    [Fact]
    public void A_truncated_or_malformed_datagram_counts_nothing_past_the_damage()
    {
        var whole = Message(DelTable, Inet, "uncloak");
        Assert.Equal(0, NftTableMonitor.CountDeletions(whole.AsSpan(0, whole.Length - 6), "uncloak"));
        var lying = (byte[])whole.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(lying, 4); // a length shorter than the header itself
        Assert.Equal(0, NftTableMonitor.CountDeletions(lying, "uncloak"));
        Assert.Equal(0, NftTableMonitor.CountDeletions([], "uncloak"));
    }

    /// <summary>nlmsghdr (16) + nfgenmsg (family, version 0, res_id) + [NFTA_*_TABLE (1), NFTA_*_HANDLE-like padding attribute].</summary>
    private static byte[] Message(ushort type, byte family, string? table)
    {
        var body = new List<byte> { family, 0, 0, 0 };
        // An attribute the walk must skip first (NFTA_TABLE_FLAGS = 2, u32), then the name (1), NUL-terminated and padded.
        body.AddRange([8, 0, 2, 0, 0, 0, 0, 0]);
        if (table is not null)
        {
            var name = Encoding.ASCII.GetBytes(table + "\0");
            int length = 4 + name.Length;
            body.AddRange([(byte)length, 0, 1, 0]);
            body.AddRange(name);
            while (body.Count % 4 != 0)
            {
                body.Add(0);
            }
        }
        var message = new byte[16 + body.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        body.CopyTo(message, 16);
        return message;
    }
}
