using System.Text.Json;
using Uncloak.Core.Decisions;
using Uncloak.Core.Enforcement;

namespace Uncloak.Web.Dashboard;

/// <summary>
/// An action's JSON body read into an <see cref="EnforcementAction"/>, or the reason it cannot be one. Targets are read as
/// <c>bans add</c> reads them (an IPv6 host becomes its /64); durations as everywhere (<c>90m</c>, <c>7d</c>).
/// </summary>
public sealed record ActionRequest(EnforcementAction? Action, string? Error)
{
    /// <summary>The longest reason kept; a reason is a note, not a document.</summary>
    public const int MaxReason = 200;

    /// <summary>Reads <paramref name="body"/> for <paramref name="path"/> (<c>/api/ban</c>, <c>/api/extend</c>, <c>/api/unban</c>).</summary>
    public static ActionRequest From(JsonElement body, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Fail("the body must be a JSON object");
        }
        string? targetText = Text(body, "target");
        // As `bans add` reads it: an IPv6 host stands for its /64 (one host owns the whole prefix).
        if (targetText is null || !BanTarget.TryParse(targetText, out var target))
        {
            return Fail($"target: '{targetText}' is not an address or network");
        }
        if (path == "/api/unban")
        {
            return new ActionRequest(EnforcementAction.Unban(target), null);
        }
        string? durationText = Text(body, "duration");
        if (durationText is null || !DurationText.TryParse(durationText, out var duration) || duration <= TimeSpan.Zero)
        {
            return Fail($"duration: '{durationText}' is not a duration (90m, 7d)");
        }
        string reason = Text(body, "reason") ?? (path == "/api/extend" ? "extended from the dashboard" : "banned from the dashboard");
        if (reason.Length > MaxReason)
        {
            return Fail($"reason: longer than {MaxReason} characters");
        }
        var escalation = path == "/api/extend" ? Escalation.None : Escalation.Default;
        return new ActionRequest(EnforcementAction.Ban(target, duration, reason, "web", escalation: escalation), null);
    }

    private static string? Text(JsonElement body, string name)
        => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static ActionRequest Fail(string error) => new(null, error);
}
