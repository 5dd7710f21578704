using Uncloak.Cli.Rendering;
using Uncloak.Lab.Reports;
using Uncloak.Lab.Runs;

namespace Uncloak.Cli.Commands.Lab;

/// <summary>Prints cells the way `run` and `matrix` both do: the table or JSON, and the HTML report when asked.</summary>
internal static class LabCellOutput
{
    public static int Write(TextWriter output, TextWriter error, IReadOnlyList<CellResult> cells, bool json, string? html, string title)
    {
        if (json)
        {
            using var buffer = new MemoryStream();
            LabJson.Write(buffer, cells);
            output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            LabRenderer.WriteCells(output, cells);
        }
        if (html is not null)
        {
            try
            {
                using var file = new StreamWriter(html);
                LabHtml.Write(file, cells, title);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"uncloak lab: cannot write {html}: {e.Message}");
                return ExitCodes.UsageOrInput;
            }
        }
        return ExitCodes.Ok;
    }
}
