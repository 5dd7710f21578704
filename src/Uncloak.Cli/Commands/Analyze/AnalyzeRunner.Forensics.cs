using Uncloak.Cli.Rendering;
using Uncloak.Core.Analysis;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Reports;
using Uncloak.Linux.Files;
using Uncloak.Linux.Forensics;

namespace Uncloak.Cli.Commands.Analyze;

/// <summary>
/// Incident bundles and pasted tool dumps among the inputs: each bundle is one incident; every dump file given is read
/// as one moment (an admin's ss, nstat, ethtool and tc of the same outage), then localized.
/// </summary>
public static partial class AnalyzeRunner
{
    /// <summary>How much of a file is looked at to recognise a dump.</summary>
    private const int DumpPeekBytes = 64 * 1024;

    /// <summary>Splits the inputs into bundles and dumps, and everything else (logs, captures, stdin).</summary>
    internal static (List<string> Bundles, List<string> Dumps, List<string> Others) SplitForensicInputs(IReadOnlyList<string> files)
    {
        List<string> bundles = [], dumps = [], rest = [];
        foreach (var name in files)
        {
            if (name != "-" && (BundleReader.IsBundle(name) || BundleArchive.IsArchive(name)))
            {
                bundles.Add(name);
            }
            else if (name != "-" && IsDump(name))
            {
                dumps.Add(name);
            }
            else
            {
                rest.Add(name);
            }
        }
        return (bundles, dumps, rest);
    }

    /// <summary>A regular, uncompressed file whose first lines are a tool's output (a FIFO is never peeked: it would lose what was read).</summary>
    private static bool IsDump(string name)
    {
        try
        {
            var info = new FileInfo(name);
            if (!info.Exists || (info.Attributes & FileAttributes.Device) != 0 || name.EndsWith(".gz", StringComparison.Ordinal) || LogInput.IsFifo(name))
            {
                return false;
            }
            using var stream = File.OpenRead(name);
            var head = new byte[(int)Math.Min(DumpPeekBytes, info.Length)];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return DumpReader.Detect(head.AsSpan(0, read)) is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // the log path reports why it cannot be read
        }
    }

    private static int RunForensics(List<string> bundles, List<string> dumps, AnalyzeOptions options, TextWriter output, TextWriter error)
    {
        var sources = new List<ForensicSource>();
        bool inputErrors = false;
        foreach (var path in bundles)
        {
            // An exported bundle (.tar.zst) is unpacked into a private temporary folder, read like any bundle, then removed.
            DirectoryInfo? unpacked = null;
            try
            {
                string folder = path;
                if (BundleArchive.IsArchive(path))
                {
                    unpacked = Directory.CreateTempSubdirectory("uncloak-bundle-");
                    var refused = new List<string>();
                    folder = BundleArchive.Extract(path, unpacked.FullName, refused);
                    foreach (var problem in refused)
                    {
                        error.WriteLine($"{options.Prefix}{path}: {problem}");
                    }
                    inputErrors |= refused.Count > 0;
                }
                var bundle = BundleReader.Read(folder);
                foreach (var problem in bundle.Problems)
                {
                    error.WriteLine($"{options.Prefix}{path}: {problem}");
                }
                inputErrors |= bundle.Problems.Count > 0;
                sources.Add(ForensicSource.OfBundle(path, bundle.Manifest, bundle.Files, bundle.Problems));
            }
            catch (BundleException e)
            {
                error.WriteLine(options.Prefix + e.Message);
                inputErrors = true;
            }
            finally
            {
                unpacked?.Delete(recursive: true);
            }
        }
        if (dumps.Count > 0)
        {
            var evidence = new IncidentEvidence();
            var problems = new List<string>();
            foreach (var path in dumps)
            {
                try
                {
                    var info = new FileInfo(path);
                    if (info.Length > BundleLayout.MaxFileBytes)
                    {
                        problems.Add($"{path}: {info.Length:N0} bytes, over the {BundleLayout.MaxFileBytes:N0}-byte limit for a dump");
                        continue;
                    }
                    var read = DumpReader.Read(File.ReadAllBytes(path), evidence.Phase(EvidencePhase.During));
                    if (read.Malformed > 0 && !options.Json)
                    {
                        error.WriteLine($"{options.Prefix}{path}: {read.Malformed:N0} malformed line(s) skipped so far (first at line {read.FirstMalformedLine:N0} of the dumps)");
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    problems.Add($"{path}: {e.Message}");
                }
            }
            foreach (var problem in problems)
            {
                error.WriteLine(options.Prefix + problem);
            }
            inputErrors |= problems.Count > 0;
            sources.Add(ForensicSource.Of(dumps, null, evidence, problems));
        }
        if (options.Json)
        {
            JsonOutput.Write(output, w => VerdictJson.Write(w, sources));
        }
        else
        {
            VerdictRenderer.Render(output, sources);
        }
        if (inputErrors)
        {
            return ExitCodes.UsageOrInput;
        }
        // A named layer is a fault found: a warning for --fail-on.
        if (options.FailOn is { } threshold && threshold <= Severity.Warning && sources.Any(s => s.Verdict.Layer != Layer.Unknown))
        {
            return ExitCodes.Findings;
        }
        return ExitCodes.Ok;
    }
}
