namespace Uncloak.Daemon.Alerts;

/// <summary>The body of an alert webhook POST. Field names are a contract with receivers: snake_case, never renamed.</summary>
internal sealed record WebhookAlertJson(string Time, string Severity, string Title, string Text, string Key, int HeldBack, string Host);
