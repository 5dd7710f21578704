using System.Buffers.Binary;
using System.Net;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Core.Rulesets;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

/// <summary>
/// The nf_tables netlink batch, read back with a reader written from the kernel headers (nlmsghdr, nfgenmsg, nlattr):
/// message order, flags, sequence numbers, the table and set names, every element's key and timeout. That the kernel
/// applies it as nft would is BanEnforcementTests' job (checked against <c>nft list set</c>).
/// </summary>
public sealed class SetElementBatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private sealed record Message(ushort Type, ushort Flags, uint Sequence, byte Family, ushort ResId, string? Table, string? Set, List<(byte[] Key, ulong? TimeoutMs)> Elements, int ElementsBytes);

    private static Message[] Read(ReadOnlySpan<byte> batch)
    {
        var messages = new List<Message>();
        while (batch.Length > 0)
        {
            int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(batch);
            Assert.True(len >= 20 && len <= batch.Length, $"message length {len} of {batch.Length} left");
            var body = batch[20..len];
            string? table = null, set = null;
            var elements = new List<(byte[], ulong?)>();
            int elementsBytes = 0;
            foreach (var (type, value) in Attributes(body))
            {
                switch (type)
                {
                    case 1: table = System.Text.Encoding.ASCII.GetString(value.TrimEnd((byte)0)); Assert.Equal(0, value[^1]); break;
                    case 2: set = System.Text.Encoding.ASCII.GetString(value.TrimEnd((byte)0)); break;
                    case 3:
                        elementsBytes = value.Length + 4;
                        foreach (var (listType, element) in Attributes(value))
                        {
                            Assert.Equal(1, listType); // NFTA_LIST_ELEM
                            byte[]? key = null;
                            ulong? timeout = null;
                            foreach (var (t, v) in Attributes(element))
                            {
                                if (t == 1)
                                {
                                    var (dataType, data) = Assert.Single(Attributes(v));
                                    Assert.Equal(1, dataType); // NFTA_DATA_VALUE
                                    key = data;
                                }
                                else
                                {
                                    Assert.Equal(4, t); // NFTA_SET_ELEM_TIMEOUT
                                    timeout = BinaryPrimitives.ReadUInt64BigEndian(v);
                                }
                            }
                            elements.Add((key ?? throw new InvalidOperationException("element without a key"), timeout));
                        }
                        break;
                    default: Assert.Fail($"unexpected attribute {type}"); break;
                }
            }
            messages.Add(new Message(BinaryPrimitives.ReadUInt16LittleEndian(batch[4..]), BinaryPrimitives.ReadUInt16LittleEndian(batch[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(batch[8..]), batch[16], BinaryPrimitives.ReadUInt16BigEndian(batch[18..]), table, set, elements, elementsBytes));
            Assert.Equal(0, len % 4);
            batch = batch[len..];
        }
        return [.. messages];
    }

    private static List<(ushort Type, byte[] Value)> Attributes(ReadOnlySpan<byte> data)
    {
        var list = new List<(ushort, byte[])>();
        while (data.Length > 0)
        {
            int len = BinaryPrimitives.ReadUInt16LittleEndian(data);
            Assert.True(len >= 4 && len <= data.Length, $"attribute length {len} of {data.Length} left");
            list.Add((BinaryPrimitives.ReadUInt16LittleEndian(data[2..]), data[4..len].ToArray()));
            data = data[Math.Min(data.Length, (len + 3) & ~3)..];
        }
        return list;
    }

    private static BanElement Element(string target, TimeSpan left) => new(BanTarget.Parse(target), Now + left);

    /// <summary>Each element as "address timeout-in-ms" (or "none"), the key read back as the address it encodes.</summary>
    private static List<string> Text(Message m)
        => [.. m.Elements.Select(e => $"{new IPAddress(e.Key)} {e.TimeoutMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}")];

    [Fact]
    public void Adds_and_deletes_are_one_batch_in_the_scripts_order_with_keys_and_timeouts_in_network_order()
    {
        var batch = SetElementBatch.Render(
            remove: [BanTarget.Parse("198.18.9.9"), BanTarget.Parse("2001:2::9/128")],
            add: [Element("198.18.0.5", TimeSpan.FromHours(1)), Element("2001:2::5/128", TimeSpan.FromSeconds(0.2)), Element("198.18.0.6", TimeSpan.FromDays(7))],
            Now, firstSequence: 100);
        var m = Read(batch.Bytes.Span);

        const ushort NewSetElem = (10 << 8) | 12, DelSetElem = (10 << 8) | 14;
        Assert.Equal([16, NewSetElem, NewSetElem, DelSetElem, DelSetElem, NewSetElem, NewSetElem, 17], m.Select(x => x.Type));
        Assert.Equal(Enumerable.Range(100, 8).Select(i => (uint)i), m.Select(x => x.Sequence));
        // Batch begin and end name the nf_tables subsystem; element messages are family inet, each acknowledged.
        Assert.All(new[] { m[0], m[^1] }, x => Assert.Equal((0, (ushort)10, (ushort)1), (x.Family, x.ResId, x.Flags)));
        Assert.All(m[1..^1], x => Assert.Equal((1, "uncloak", 4), (x.Family, x.Table, x.Flags & 4)));
        Assert.Equal(["ban4", "ban6", "ban4", "ban6", "ban4", "ban6"], m[1..^1].Select(x => x.Set));
        Assert.Equal(0x400, m[1].Flags & 0x400); // NLM_F_CREATE on adds, as nft's "add element"
        Assert.Equal(0, m[3].Flags & 0x400);

        // A delete is preceded by an add of the element with a one-second timeout, then deleted without one.
        Assert.Equal(["198.18.9.9 1000"], Text(m[1]));
        Assert.Equal(["2001:2::9 1000"], Text(m[2]));
        Assert.Equal(["198.18.9.9 none"], Text(m[3]));
        Assert.Equal(["2001:2::9 none"], Text(m[4]));
        Assert.Equal(["198.18.0.5 3600000", "198.18.0.6 604800000"], Text(m[5]));
        Assert.Equal(["2001:2::5 1000"], Text(m[6])); // under a second left: one second, never 0 (no timeout)
        Assert.Equal((6, 106u), (batch.Acks, batch.LastSequence)); // six element messages, the last numbered 106
    }

    [Fact]
    public void A_hundred_thousand_addresses_split_into_messages_whose_element_attribute_fits_sixteen_bits()
    {
        var add = Enumerable.Range(0, 100_000)
            .Select(i => new BanElement(new BanTarget(NetAddress.FromV4(0xC612_4000u + (uint)i), 32), Now.AddHours(1)))
            .ToList();
        var batch = SetElementBatch.Render([], add, Now, firstSequence: 1);
        var m = Read(batch.Bytes.Span);

        var elementMessages = m[1..^1];
        Assert.All(elementMessages, x => Assert.InRange(x.ElementsBytes, 1, ushort.MaxValue));
        Assert.Equal(elementMessages.Length, batch.Acks);
        Assert.Equal(100_000, elementMessages.Sum(x => x.Elements.Count));
        var keys = elementMessages.SelectMany(x => x.Elements).Select(e => BinaryPrimitives.ReadUInt32BigEndian(e.Key)).ToList();
        Assert.Equal(Enumerable.Range(0, 100_000).Select(i => 0xC612_4000u + (uint)i), keys);
        Assert.All(elementMessages.SelectMany(x => x.Elements), e => Assert.Equal(3_600_000ul, e.TimeoutMs));
        Assert.Equal(m[^2].Sequence, batch.LastSequence);
    }

    [Fact]
    public void Networks_are_not_for_the_batch()
    {
        Assert.False(SetElementBatch.Supports([], [Element("198.18.4.0/24", TimeSpan.FromHours(1))]));
        Assert.False(SetElementBatch.Supports([BanTarget.Parse("2001:2::1")], [])); // a bare IPv6 address is its /64
        Assert.True(SetElementBatch.Supports([BanTarget.Parse("2001:2::1/128")], [Element("198.18.0.1", TimeSpan.FromHours(1))]));
        Assert.Throws<ArgumentException>(() => SetElementBatch.Render([], [Element("198.18.4.0/24", TimeSpan.FromHours(1))], Now, 1));
    }

    [Fact]
    public void Replies_are_read_as_acknowledgements_or_errors_and_anything_else_is_skipped_or_refused()
    {
        // NLMSG_ERROR (type 2) for sequence 7, error 0 (an acknowledgement), then one with -ENOENT, then an NLMSG_DONE.
        var replies = new byte[36 + 36 + 20];
        Write(replies, 0, 36, 2, 7, 0);
        Write(replies.AsSpan(36), 0, 36, 2, 8, -2);
        Write(replies.AsSpan(72), 0, 20, 3, 9, 0);
        var span = (ReadOnlySpan<byte>)replies;

        Assert.True(SetElementBatch.TryReadAck(span, out int length, out uint seq, out int error));
        Assert.Equal((36, 7u, 0), (length, seq, error));
        Assert.True(SetElementBatch.TryReadAck(span[36..], out length, out seq, out error));
        Assert.Equal((36, 8u, -2), (length, seq, error));
        Assert.False(SetElementBatch.TryReadAck(span[72..], out length, out _, out _));
        Assert.Equal(20, length);
        // A header claiming more bytes than the datagram holds is not a message: stop.
        Assert.False(SetElementBatch.TryReadAck(span[..30], out length, out _, out _));
        Assert.Equal(0, length);
        Assert.False(SetElementBatch.TryReadAck(span[..10], out length, out _, out _));
        Assert.Equal(0, length);
    }

    private static void Write(Span<byte> at, int offset, int length, ushort type, uint sequence, int error)
    {
        var m = at[offset..];
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(m[4..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(m[8..], sequence);
        if (length >= 20)
        {
            BinaryPrimitives.WriteInt32LittleEndian(m[16..], error);
        }
    }
}
