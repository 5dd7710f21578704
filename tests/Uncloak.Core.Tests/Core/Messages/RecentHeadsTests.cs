using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Messages;
using Xunit;

namespace Uncloak.Core.Tests.Messages;

/// <summary>
/// A classifier skips the anchor search for a message that begins like a recent one, and the parse for one equal to a
/// recent one (RecentHeads). Neither may change what any message decodes to: a classifier that has read other lines
/// before must give what a new one gives, on every wording of the catalog and on messages made to share heads with them.
/// </summary>
public sealed class RecentHeadsTests
{
    private static readonly DateTime LogEnd = new(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private static readonly byte[][] Messages =
        [.. SampleLine.All().Select(s => Encoding.UTF8.GetBytes(LineDecoder.Decode(s.Line, LogEnd).Message)).Where(m => m.Length > 0)];

    [Fact]
    public void Every_sample_message_decodes_the_same_after_any_other()
    {
        var rnd = new Random(20261205);
        var reused = new MessageClassifier();
        int decoded = 0;
        for (int round = 0; round < 4; round++)
        {
            foreach (var message in Messages.OrderBy(_ => rnd.Next()))
            {
                decoded += AssertSameAsNew(reused, message) ? 1 : 0;
            }
        }
        Assert.True(decoded > Messages.Length, $"only {decoded} decoded: the samples should hold hundreds of positive lines");
    }

    [Fact]
    public void Messages_that_share_a_head_with_a_recent_one_and_differ_after_it_decode_as_alone()
    {
        // Cut a sample message anywhere and go on with another's tail, a search prefix, an anchor or a stray byte: the
        // heads the classifier keeps come from the real messages, the variants share them for any length.
        string[] inserts = [.. MessageFamilies.All.SelectMany(f => f.Anchors.Concat(f.SearchPrefixes)), " ", ":", "]", "P", "Link is Up", "IN="];
        var rnd = new Random(7);
        var reused = new MessageClassifier();
        int decoded = 0;
        for (int i = 0; i < 6_000; i++)
        {
            var message = Messages[rnd.Next(Messages.Length)];
            AssertSameAsNew(reused, message);
            int cut = rnd.Next(message.Length + 1);
            var tail = rnd.Next(3) switch
            {
                0 => Messages[rnd.Next(Messages.Length)].AsSpan(rnd.Next(8)).ToArray(),
                1 => Encoding.ASCII.GetBytes(inserts[rnd.Next(inserts.Length)] + Encoding.ASCII.GetString(message, cut, message.Length - cut)),
                _ => [(byte)rnd.Next(256), .. message.AsSpan(Math.Min(message.Length, cut + rnd.Next(3)))],
            };
            byte[] variant = [.. message.AsSpan(0, cut), .. tail];
            decoded += AssertSameAsNew(reused, variant) ? 1 : 0;
            AssertSameAsNew(reused, variant); // now equal to the message kept for its head
        }
        Assert.True(decoded > 1_000, $"only {decoded} variants decoded: the test would prove little");
    }

    [Fact]
    public void A_link_that_flaps_on_one_interface_decodes_each_line_by_its_own_words()
    {
        var classifier = new MessageClassifier();
        string[] lines =
        [
            "e1000e 0000:00:25.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
            "e1000e 0000:00:25.0 eth0: NIC Link is Down",
            "e1000e 0000:00:25.0 eth0: NIC Link is Up 100 Mbps Half Duplex, Flow Control: None",
            "e1000e 0000:00:25.0 eth0: NIC Link is Down",
            "e1000e 0000:00:25.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
            "e1000e 0000:00:25.0 eth0: NIC Linkage is Up",
        ];
        var seen = lines.Select(l => classifier.TryParse(Encoding.ASCII.GetBytes(l), out var ev) ? ev : (NetEvent?)null).ToArray();
        Assert.Equal([1000, 0, 100, 0, 1000], seen[..5].Select(e => e!.Value.SpeedMbps));
        Assert.Equal([Duplex.Full, Duplex.Unknown, Duplex.Half, Duplex.Unknown, Duplex.Full], seen[..5].Select(e => e!.Value.Duplex));
        Assert.Equal([FlowControl.RxTx, FlowControl.Unknown, FlowControl.None, FlowControl.Unknown, FlowControl.RxTx], seen[..5].Select(e => e!.Value.FlowControl));
        Assert.All(seen[..5], e => Assert.Equal("eth0", e!.Value.Interface));
        Assert.Null(seen[5]);
    }

    /// <summary>Decodes with the classifier given and with a new one; asserts both agree; returns whether it decoded.</summary>
    [Fact]
    public void Chatter_repeated_word_for_word_stays_no_event_and_a_line_that_differs_from_it_decodes_as_alone()
    {
        // QuietMessages: a message equal to a recent one of no family skips the search. Chatter with an anchor put in
        // anywhere, cut short, or one byte changed must decode as a new classifier decodes it, however often the chatter
        // came before; a hundred distinct messages share the 64 slots, so slots are taken over too.
        string[] chatter =
        [
            "sd 0:0:0:0: [sda] Write cache: enabled, read cache: enabled, doesn't support DPO or FUA",
            "IPv6: ADDRCONF(NETDEV_UP): eth0: link is not ready",
            "ata1: SATA link up 6.0 Gbps (SStatus 133 SControl 300)",
            "EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro",
            .. Enumerable.Range(0, 100).Select(i => $"usb 1-1: new high-speed USB device number {i} using xhci_hcd"),
        ];
        string[] inserts = [.. MessageFamilies.All.SelectMany(f => f.Anchors), "IN=eth0 OUT= SRC=198.18.0.9 DST=198.18.0.1 PROTO=TCP SPT=4000 DPT=22 "];
        var rnd = new Random(11);
        var reused = new MessageClassifier();
        int decoded = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var message = Encoding.ASCII.GetBytes(chatter[rnd.Next(chatter.Length)]);
            Assert.False(AssertSameAsNew(reused, message));
            int cut = rnd.Next(message.Length + 1);
            byte[] variant = rnd.Next(3) switch
            {
                0 => [.. message.AsSpan(0, cut), .. Encoding.ASCII.GetBytes(inserts[rnd.Next(inserts.Length)]), .. message.AsSpan(cut)],
                1 => message[..cut],
                _ => [.. message.AsSpan(0, cut), (byte)rnd.Next(256), .. message.AsSpan(Math.Min(message.Length, cut + 1))],
            };
            decoded += AssertSameAsNew(reused, variant) ? 1 : 0;
        }
        Assert.True(decoded > 500, $"only {decoded} variants decoded: the test would prove little");
    }

    private static bool AssertSameAsNew(MessageClassifier reused, byte[] message)
    {
        bool expected = new MessageClassifier().TryParse(message, out var want);
        bool actual = reused.TryParse(message, out var got);
        Assert.True(expected == actual, $"'{Encoding.Latin1.GetString(message)}': decoded {actual}, a new classifier says {expected}");
        if (expected)
        {
            Assert.Equal(EventFields.Of(want), EventFields.Of(got));
            Assert.Equal(want, got);
        }
        return expected;
    }
}
