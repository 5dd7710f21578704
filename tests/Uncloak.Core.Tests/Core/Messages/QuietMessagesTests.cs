using System.Text;
using Uncloak.Core.Messages;
using Xunit;

namespace Uncloak.Core.Tests.Messages;

/// <summary>Issue 18 item 6: chatter of no family is known again by its shape, each digit written as 0.</summary>
public sealed class QuietMessagesTests
{
    [Theory]
    [InlineData("usb 1-1: new high-speed USB device number 408 using xhci_hcd", "usb 0-0: new high-speed USB device number 000 using xhci_hcd")]
    [InlineData("audit: type=1400 audit(1700000000.123:456): apparmor=\"DENIED\"", "audit: type=0000 audit(0000000000.000:000): apparmor=\"DENIED\"")]
    [InlineData("0123456789/:9", "0000000000/:0")] // '/' and ':' are the bytes either side of the digits
    [InlineData("12345", "00000")]
    [InlineData("7a8", "0a0")]
    [InlineData("sixteen bytes 12", "sixteen bytes 00")]
    [InlineData("seventeen bytes 1", "seventeen bytes 0")]
    [InlineData("no digits here", "no digits here")]
    [InlineData("\u00b9\u00b2\u00e9 latin-1 9", "\u00b9\u00b2\u00e9 latin-0 0")] // superscripts are no ASCII digits
    [InlineData("", "")]
    public void The_shape_writes_each_digit_as_0(string message, string shape)
    {
        var into = new byte[QuietMessages.MaxMessage];
        byte[] bytes = Encoding.Latin1.GetBytes(message);
        QuietMessages.Shape(bytes, into);
        Assert.Equal(shape, Encoding.Latin1.GetString(into, 0, bytes.Length));
    }

    [Fact]
    public void The_shape_of_any_bytes_of_any_length_is_each_digit_as_0()
    {
        var rnd = new Random(18);
        var into = new byte[QuietMessages.MaxMessage];
        for (int i = 0; i < 2_000; i++)
        {
            var message = new byte[rnd.Next(QuietMessages.MaxMessage + 1)];
            rnd.NextBytes(message);
            QuietMessages.Shape(message, into);
            Assert.Equal(message.Select(b => b is >= (byte)'0' and <= (byte)'9' ? (byte)'0' : b), into.Take(message.Length));
        }
    }

    [Fact]
    public void With_digits_alike_a_message_of_other_numbers_is_known_and_without_only_the_same_one()
    {
        byte[] kept = "systemd[1]: Started Session 7 of user www-data."u8.ToArray();
        byte[] renumbered = "systemd[5]: Started Session 9 of user www-data."u8.ToArray();
        byte[] longer = "systemd[1]: Started Session 12 of user www-data."u8.ToArray();
        byte[] other = "systemd[1]: Started Session 7 of user root."u8.ToArray();
        foreach (bool digitsAlike in new[] { true, false })
        {
            var quiet = new QuietMessages(digitsAlike);
            Assert.False(quiet.Contains(kept));
            quiet.AddCurrent();
            Assert.True(quiet.Contains(kept));
            Assert.Equal(digitsAlike, quiet.Contains(renumbered));
            Assert.False(quiet.Contains(longer));
            Assert.False(quiet.Contains(other));
        }
    }

    [Fact]
    public void A_message_too_long_to_keep_is_never_known()
    {
        var quiet = new QuietMessages(digitsAlike: true);
        byte[] longOne = Encoding.ASCII.GetBytes(new string('x', QuietMessages.MaxMessage + 1));
        Assert.False(quiet.Contains(longOne));
        quiet.AddCurrent();
        Assert.False(quiet.Contains(longOne));
    }

    [Fact]
    public void Chatter_of_changing_numbers_stays_no_event_while_a_line_of_the_same_shape_with_an_anchor_decodes()
    {
        // The shapes hide numbers only: an anchor put next to a number changes the shape, so it is searched for.
        var classifier = new MessageClassifier();
        for (int i = 0; i < 1_000; i++)
        {
            Assert.False(classifier.TryParse(Encoding.ASCII.GetBytes($"usb 1-1: new high-speed USB device number {i} using xhci_hcd"), out _));
        }
        Assert.True(classifier.TryParse(Encoding.ASCII.GetBytes(
            "usb 1-1: new high-speed USB device number 9TCP: Treason uncloaked! Peer 198.18.0.9:41000/80 shrinks window 1:2. Repaired."), out var ev));
        Assert.Equal(Uncloak.Core.Events.EventKind.Treason, ev.Kind);
    }
}
