using System.Security.Cryptography;
using System.Text;
using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Identity;

public sealed class Sha256Tests
{
    [Theory]
    // FIPS 180-4 examples (NIST CSRC "Examples with intermediate values"): empty, one block, two blocks.
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Known_messages_give_the_standard_digests(string message, string digest)
        => Assert.Equal(digest, Convert.ToHexStringLower(Sha256.Hash(Encoding.ASCII.GetBytes(message))));

    [Fact]
    public void Every_length_around_the_block_and_padding_boundaries_matches_the_platform_sha256()
    {
        var random = new Random(11);
        for (int length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(SHA256.HashData(data), Sha256.Hash(data));
        }
    }

    [Theory]
    [InlineData("kmsg")]
    [InlineData("host-signals")]
    [InlineData("/var/log/kern.log")]
    public void A_live_source_identity_is_the_one_stores_already_hold(string source)
    {
        // Stores written before the managed hash keyed live sources by SHA256.HashData("live:" + name).
        var text = Encoding.UTF8.GetBytes("live:" + source);
        Assert.Equal(SHA256.HashData(text), Sha256.Hash(text));
    }
}
