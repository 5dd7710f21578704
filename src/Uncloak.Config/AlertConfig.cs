namespace Uncloak.Config;

public sealed record AlertConfig
{
    public int PerMinute { get; init; } = 10;

    /// <summary>The same alert (scenario and target) is sent once per this window.</summary>
    public TimeSpan Dedupe { get; init; } = TimeSpan.FromMinutes(10);

    public Uri? Webhook { get; init; }

    public SmtpConfig? Smtp { get; init; }
}
