using System.Text;
using System.Text.Json;
using Xunit;

namespace Uncloak.Core.Tests;

/// <summary>
/// Compares rendered JSON with a file under fixtures/ (indented, so diffs read well). With
/// UNCLOAK_UPDATE_GOLDEN=1 it rewrites the source file instead; review that diff before committing.
/// </summary>
public static class Golden
{
    public static void AssertJson(string relativePath, ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var actual = JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
        AssertText(relativePath, actual);
    }

    public static void AssertText(string relativePath, string actual)
    {
        if (Environment.GetEnvironmentVariable("UNCLOAK_UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(SourceDir(), "fixtures", relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, actual, new UTF8Encoding(false));
            return;
        }
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", relativePath);
        Assert.True(File.Exists(path), $"golden file {relativePath} is missing; run the tests once with UNCLOAK_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    /// <summary>A binary golden file (a capture), compared byte for byte; rewritten like the others with UNCLOAK_UPDATE_GOLDEN=1.</summary>
    public static void AssertBytes(string relativePath, byte[] actual)
    {
        if (Environment.GetEnvironmentVariable("UNCLOAK_UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(SourceDir(), "fixtures", relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllBytes(source, actual);
            return;
        }
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", relativePath);
        Assert.True(File.Exists(path), $"golden file {relativePath} is missing; run the tests once with UNCLOAK_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllBytes(path), actual);
    }

    private static string SourceDir([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
