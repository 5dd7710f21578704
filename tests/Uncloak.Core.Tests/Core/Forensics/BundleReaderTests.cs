using System.Text;
using System.Text.Json;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Tests.Cli;
using Uncloak.Linux.Forensics;
using Xunit;

namespace Uncloak.Core.Tests.Forensics;

/// <summary>The bundle reader believes only what the manifest vouches for, and never reads outside the bundle.</summary>
public sealed class BundleReaderTests
{
    private static readonly BundleManifest Manifest = new() { Id = "t1", Host = "web1", Kernel = "6.1.0", Start = new DateTime(2026, 6, 17, 4, 8, 0, DateTimeKind.Utc) };

    [Fact]
    public void Written_bundle_reads_back_with_private_files_and_verified_hashes()
    {
        string dir = Path.Combine(CliRun.TempDir(), "b");
        var written = BundleWriter.Write(dir, Manifest, [new BundleFile("during/nstat.txt", "#kernel\nTcpExtListenOverflows 5 0.0\n"u8.ToArray()), new BundleFile("probes.txt", "# uncloak probes\n"u8.ToArray())]);
        Assert.Equal(2, written.Files.Count);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "during", "nstat.txt")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "manifest.json")));
        var bundle = BundleReader.Read(dir);
        Assert.Empty(bundle.Problems);
        Assert.Equal(["during/nstat.txt", "probes.txt"], bundle.Files.Select(f => f.Name));
        Assert.Equal("web1", bundle.Manifest.Host);
    }

    [Fact]
    public void A_changed_file_is_refused_and_the_rest_is_read()
    {
        string dir = Path.Combine(CliRun.TempDir(), "b");
        BundleWriter.Write(dir, Manifest, [new BundleFile("during/a.txt", "#kernel\nTcpExtTW 1 0.0\n"u8.ToArray()), new BundleFile("during/b.txt", "#kernel\nTcpExtTW 2 0.0\n"u8.ToArray())]);
        File.WriteAllText(Path.Combine(dir, "during", "a.txt"), "#kernel\nTcpExtTW 9 0.0\n");
        var bundle = BundleReader.Read(dir);
        Assert.Equal(["during/b.txt"], bundle.Files.Select(f => f.Name));
        Assert.Contains(bundle.Problems, p => p.StartsWith("during/a.txt: SHA-256", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("during/../../outside.txt")]
    [InlineData("during/x/y.txt")]
    [InlineData("secrets/x.txt")]
    [InlineData("during\\x.txt")]
    public void Names_that_leave_the_bundle_are_refused_without_being_opened(string name)
    {
        string tmp = CliRun.TempDir();
        string dir = Path.Combine(tmp, "b");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(tmp, "outside.txt"), "#kernel\n");
        WriteManifest(dir, new BundleFileEntry(name, new string('0', 64), 8));
        var bundle = BundleReader.Read(dir);
        Assert.Empty(bundle.Files);
        Assert.Single(bundle.Problems);
        Assert.NotNull(BundleLayout.CheckName(name));
    }

    [Fact]
    public void A_symbolic_link_inside_the_bundle_is_not_followed()
    {
        string tmp = CliRun.TempDir();
        string dir = Path.Combine(tmp, "b");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(tmp, "outside.txt"), "#kernel\n");
        Directory.CreateSymbolicLink(Path.Combine(dir, "during"), tmp);
        WriteManifest(dir, new BundleFileEntry("during/outside.txt", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("#kernel\n"u8)), 8));
        var bundle = BundleReader.Read(dir);
        Assert.Empty(bundle.Files);
        Assert.Contains("symbolic link", bundle.Problems.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_limit_is_refused_by_its_size_before_it_is_read()
    {
        string dir = Path.Combine(CliRun.TempDir(), "b");
        Directory.CreateDirectory(Path.Combine(dir, "during"));
        using (var f = File.Create(Path.Combine(dir, "during", "ss.txt")))
        {
            f.SetLength(BundleLayout.MaxFileBytes + 1); // sparse: no disk used
        }
        WriteManifest(dir, new BundleFileEntry("during/ss.txt", new string('0', 64), BundleLayout.MaxFileBytes + 1));
        var bundle = BundleReader.Read(dir);
        Assert.Empty(bundle.Files);
        Assert.Contains("limit", bundle.Problems.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_manifest_or_another_schema_is_no_bundle()
    {
        string dir = CliRun.TempDir();
        Assert.False(BundleReader.IsBundle(dir));
        Assert.Throws<BundleException>(() => BundleReader.Read(dir));
        File.WriteAllText(Path.Combine(dir, "manifest.json"), "{\"schema\": \"uncloak.bundle/9\", \"files\": []}");
        Assert.Contains("uncloak.bundle/9", Assert.Throws<BundleException>(() => BundleReader.Read(dir)).Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), "{ not json");
        Assert.Throws<BundleException>(() => BundleReader.Read(dir));
    }

    private static void WriteManifest(string dir, BundleFileEntry entry)
        => File.WriteAllBytes(Path.Combine(dir, "manifest.json"), JsonSerializer.SerializeToUtf8Bytes(Manifest with { Files = [entry] }, BundleJson.Default.BundleManifest));
}
