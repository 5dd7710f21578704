using Spectre.Console;
using Uncloak.Core.Audit;

namespace Uncloak.Cli.Rendering;

/// <summary>The human view of an audit: a score line, then each group with its verdicts; warnings and failures carry why and the exact fix.</summary>
public static class AuditRenderer
{
    public static void Render(TextWriter output, AuditReport report, bool verbose, bool fixing = false)
    {
        var console = Terminal.For(output);
        console.MarkupLineInterpolated($"[bold]Uncloak audit[/] — kernel {report.KernelRelease ?? "unknown"}");
        RenderScore(console, report);
        var explained = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in report.Results.GroupBy(r => r.Group))
        {
            console.WriteLine();
            console.Write(new Rule($"[bold]{Markup.Escape(group.Key.Title())}[/]").LeftJustified());
            foreach (var r in group)
            {
                string subject = r.Subject is null ? "" : $" [{r.Subject}]";
                console.MarkupLine($"{Badge(r.Status)} [bold]{Markup.Escape(r.Id)}[/]{Markup.Escape(subject)}  {Markup.Escape(r.Title)}");
                Indented(console, $"[dim]seen:[/] {r.Observed}");
                bool finding = r.Status is CheckStatus.Warn or CheckStatus.Fail;
                if (r.Detail is not null && (finding || verbose || r.Status is CheckStatus.Info or CheckStatus.Skip))
                {
                    Indented(console, $"{r.Detail}");
                }
                if (finding || verbose)
                {
                    Indented(console, $"[dim]expected:[/] {r.Expected}");
                    // Per-interface checks share one rationale: say it once.
                    if (explained.Add(r.Id))
                    {
                        Indented(console, $"[dim]why:[/] {r.Rationale}");
                    }
                    else
                    {
                        Indented(console, $"[dim]why:[/] as for {r.Id} above.");
                    }
                }
                if ((finding || r.Status == CheckStatus.Info) && r.Fix is { } fix)
                {
                    foreach (var line in fix.Commands())
                    {
                        Command(console, line);
                    }
                    if (fix.Manual is { } advice)
                    {
                        Indented(console, $"[bold]fix:[/] {advice}");
                    }
                }
                if (r.Status == CheckStatus.Silenced)
                {
                    Indented(console, $"[dim]silenced:[/] {r.SilencedBecause}");
                }
            }
        }
        console.WriteLine();
        RenderScore(console, report);
        if (!fixing && report.ProposedSysctls().Count > 0)
        {
            console.MarkupLine("Apply the sysctl fixes (asks for each; persists them in /etc/sysctl.d/60-uncloak.conf): [bold]uncloak audit --fix[/]");
        }
    }

    /// <summary>One line of a verdict, wrapped with a hanging indent under the status column. Interpolated values are escaped.</summary>
    private static void Indented(IAnsiConsole console, FormattableString markup) =>
        console.Write(new Padder(
            new Markup(string.Format(System.Globalization.CultureInfo.InvariantCulture, markup.Format,
                markup.GetArguments().Select(a => (object)Markup.Escape(Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? "")).ToArray())),
            new Padding(7, 0, 0, 0)));

    /// <summary>
    /// A fix is a command: written on one line whatever the width, since a command wrapped at the console's width (160
    /// columns in a pipe) no longer runs when pasted.
    /// </summary>
    private static void Command(IAnsiConsole console, string line)
    {
        console.Markup("       [bold]fix:[/] ");
        console.Profile.Out.Writer.WriteLine(line);
    }

    private static void RenderScore(IAnsiConsole console, AuditReport report)
    {
        string colour = report.HasFailures ? "red" : report.Count(CheckStatus.Warn) > 0 ? "yellow" : "green";
        console.MarkupLine(
            $"[bold {colour}]Score {report.Score}/100[/]: {report.Count(CheckStatus.Fail)} fail, {report.Count(CheckStatus.Warn)} warn, " +
            $"{report.Count(CheckStatus.Pass)} pass, {report.Count(CheckStatus.Info)} info, {report.Count(CheckStatus.Skip)} skipped, {report.Count(CheckStatus.Silenced)} silenced");
    }

    private static string Badge(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "[green]PASS[/]",
        CheckStatus.Warn => "[yellow]WARN[/]",
        CheckStatus.Fail => "[red bold]FAIL[/]",
        CheckStatus.Info => "[blue]INFO[/]",
        CheckStatus.Skip => "[dim]SKIP[/]",
        CheckStatus.Silenced => "[dim]SLNC[/]",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static void RenderList(TextWriter output, bool json)
    {
        if (json)
        {
            ExplainRenderer.WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.audit.list/1");
                w.WriteStartArray("checks");
                foreach (var c in AuditChecks.All.OrderBy(c => c.Group))
                {
                    w.WriteStartObject();
                    w.WriteString("id", c.Id);
                    w.WriteString("group", c.Group.Name());
                    w.WriteString("severity", c.Severity.ToString().ToLowerInvariant());
                    w.WriteString("title", c.Title);
                    w.WriteString("expected", c.Expected);
                    w.WriteString("rationale", c.Rationale);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }
        var console = Terminal.For(output);
        var table = new Table().Border(TableBorder.Simple).AddColumn("id").AddColumn("severity").AddColumn("what it checks").AddColumn("expected");
        foreach (var c in AuditChecks.All.OrderBy(c => c.Group))
        {
            table.AddRow(Markup.Escape(c.Id), c.Severity.ToString().ToLowerInvariant(), Markup.Escape(c.Title), Markup.Escape(c.Expected));
        }
        console.Write(table);
    }
}
