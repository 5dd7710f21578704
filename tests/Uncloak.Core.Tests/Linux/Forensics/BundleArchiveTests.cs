using System.Formats.Tar;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Linux.Forensics;
using Xunit;
using ZstdSharp;

namespace Uncloak.Core.Tests.Forensics;

/// <summary>A .tar.zst bundle is extracted within bounds: its own files only, nothing outside the destination, no links.</summary>
public sealed class BundleArchiveTests : IDisposable
{
    private static readonly string Cases = Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "bundles");
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-archive-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_sample_bundle_exported_and_extracted_reads_back_whole()
    {
        string bundle = Path.Combine(_dir, "20260617T040800Z-site");
        CopyFolder(Path.Combine(Cases, "nic-link-down"), bundle);
        string archive = Path.Combine(_dir, "b.tar.zst");
        BundleArchive.Export(bundle, archive);
        Assert.True(BundleArchive.IsArchive(archive));

        var problems = new List<string>();
        string back = BundleArchive.Extract(archive, Path.Combine(_dir, "x"), problems);
        Assert.Empty(problems);
        Assert.Equal(Path.Combine(_dir, "x", "20260617T040800Z-site"), back);
        var read = BundleReader.Read(back);
        Assert.Empty(read.Problems);
        Assert.Equal(BundleReader.Read(bundle).Files.Select(f => f.Name), read.Files.Select(f => f.Name));
        // expected.json is not a bundle file: it did not travel.
        Assert.False(File.Exists(Path.Combine(back, "expected.json")));
    }

    [Fact]
    public void Climbing_names_links_and_a_second_folder_are_refused_and_nothing_lands_outside()
    {
        string archive = Path.Combine(_dir, "evil.tar.zst");
        using (var file = File.Create(archive))
        using (var zstd = new CompressionStream(file))
        using (var tar = new TarWriter(zstd, TarEntryFormat.Pax))
        {
            Add(tar, "20261203T170001Z-site/manifest.json", "{}");
            Add(tar, "20261203T170001Z-site/../../escaped.txt", "x");
            Add(tar, "/etc/owned", "x");
            Add(tar, "20261203T170001Z-site/during/../../up.txt", "x");
            Add(tar, "other/during/ss.txt", "x");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "20261203T170001Z-site/during/link.txt") { LinkName = "/etc/passwd" });
        }
        var problems = new List<string>();
        string dest = Path.Combine(_dir, "out");
        string back = BundleArchive.Extract(archive, dest, problems);

        Assert.Equal(5, problems.Count);
        Assert.False(File.Exists(Path.Combine(_dir, "escaped.txt")));
        Assert.False(File.Exists(Path.Combine(dest, "up.txt")));
        Assert.Equal([Path.Combine(back, "manifest.json")], Directory.EnumerateFiles(dest, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_file_that_is_not_zstd_is_a_bundle_error()
    {
        string archive = Path.Combine(_dir, "plain.tar.zst");
        File.WriteAllText(archive, "not compressed");
        Assert.Throws<BundleException>(() => BundleArchive.Extract(archive, Path.Combine(_dir, "o"), []));
    }

    private static void Add(TarWriter tar, string name, string text)
        => tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) });

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
