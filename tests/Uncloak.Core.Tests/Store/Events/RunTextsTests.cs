using System.Text;
using Uncloak.Store.Events;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>Issue 18, item 6: a reader decodes each wording its runs keep once, and every text is the message's own.</summary>
public sealed class RunTextsTests
{
    [Fact]
    public void Four_wordings_in_turn_are_decoded_once_each()
    {
        var texts = new RunTexts();
        string[] wordings = ["TCP: too many orphaned sockets", "TCP: out of memory -- consider tuning tcp_mem",
            "nf_conntrack: nf_conntrack: table full, dropping packet", "TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.10:80. Sending cookies."];
        var first = wordings.Select(w => texts.Get(Encoding.UTF8.GetBytes(w))).ToArray();
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < wordings.Length; i++)
            {
                Assert.Same(first[i], texts.Get(Encoding.UTF8.GetBytes(wordings[i])));
            }
        }
        Assert.Equal(wordings, first);
    }

    [Fact]
    public void Many_wordings_each_come_back_as_themselves_cut_at_the_kept_length_and_invalid_bytes_as_the_decoder_reads_them()
    {
        var texts = new RunTexts();
        var messages = Enumerable.Range(0, 1000).Select(i => Encoding.UTF8.GetBytes($"TCP: request_sock_TCP: Possible SYN flooding on port 198.18.{i / 200}.{i % 200}:80."))
            .Append(Encoding.UTF8.GetBytes(new string('é', 700)))
            .Append([0x66, 0xff, 0xc3, 0x28, 0x00, 0x61])
            .ToArray();
        for (int round = 0; round < 3; round++)
        {
            foreach (var message in messages)
            {
                Assert.Equal(Encoding.UTF8.GetString(message.AsSpan(0, Math.Min(message.Length, EventRuns.MaxText))), texts.Get(message));
            }
        }
    }
}
