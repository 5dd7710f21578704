namespace Uncloak.Config;

public sealed record SmtpConfig(string Host, int Port, string From, IReadOnlyList<string> To, bool StartTls);
