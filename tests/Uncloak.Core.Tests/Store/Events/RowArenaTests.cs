using Uncloak.Store.Events;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>
/// Issue 18, item 6: the arena a reader's drains copy their rows' lines and minutes into hands out copies that hold
/// their bytes until it is reset — across chunk boundaries and for copies bigger than a chunk — and reuses its chunks.
/// </summary>
public sealed class RowArenaTests
{
    [Fact]
    public void Copies_keep_their_bytes_until_reset_across_chunks_and_beyond_a_chunk()
    {
        var arena = new RowArena();
        var rnd = new Random(7);
        var given = new List<(byte[] Bytes, ReadOnlyMemory<byte> Copy)>();
        // 300 copies of up to 1 KB fill several 64 KiB chunks; two are bigger than a chunk.
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[i is 100 or 200 ? 100_000 : rnd.Next(1, 1024)];
            rnd.NextBytes(bytes);
            given.Add((bytes, arena.Copy(bytes)));
        }
        foreach (var (bytes, copy) in given)
        {
            Assert.Equal(bytes, copy.ToArray());
        }
        Assert.True(arena.Copy(ReadOnlySpan<byte>.Empty).IsEmpty);
    }

    [Fact]
    public void After_a_reset_the_chunks_are_reused_for_new_copies()
    {
        var arena = new RowArena();
        var first = arena.Copy([1, 2, 3]);
        var minutes = arena.Copy([(10L, 2L), (11L, 5L)]);
        Assert.Equal([(10L, 2L), (11L, 5L)], minutes.ToArray());
        arena.Reset();
        var second = arena.Copy([9, 8, 7]);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(first, out var a));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(second, out var b));
        Assert.Same(a.Array, b.Array);
        Assert.Equal([9, 8, 7], second.ToArray());
    }
}
