namespace Uncloak.Config;

public sealed record FileSourceConfig(string Path, bool FromStart);
