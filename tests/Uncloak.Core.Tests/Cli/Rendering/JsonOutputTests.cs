using System.Text;
using System.Text.Json;
using Uncloak.Cli.Rendering;
using Xunit;

namespace Uncloak.Core.Tests.Cli.Rendering;

/// <summary>
/// JsonOutput hands the document on in chunks as it is written (issue 18 item 6: a 22 MB report was buffered whole):
/// what arrives must be the same document, with characters split across chunks kept whole.
/// </summary>
public sealed class JsonOutputTests
{
    [Fact]
    public void A_document_many_chunks_long_arrives_whole_and_in_order()
    {
        var output = new StringWriter();
        JsonOutput.Write(output, w =>
        {
            w.WriteStartArray();
            for (int i = 0; i < 50_000; i++)
            {
                // Multi-byte characters at every offset, so some straddle a chunk's end.
                w.WriteStringValue($"peer-{i}-é€𝄞");
            }
            w.WriteEndArray();
        });

        string text = output.ToString();
        Assert.True(Encoding.UTF8.GetByteCount(text) > 10 * 64 * 1024, "the document spans many chunks");
        var values = JsonDocument.Parse(text).RootElement.EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(50_000, values.Count);
        Assert.Equal("peer-0-é€𝄞", values[0]);
        Assert.Equal("peer-49999-é€𝄞", values[^1]);
        Assert.All(values.Select((v, i) => (v, i)), x => Assert.Equal($"peer-{x.i}-é€𝄞", x.v));
        Assert.EndsWith("]" + Environment.NewLine, text, StringComparison.Ordinal);
    }
}
