namespace Uncloak.Core.Decisions;

/// <summary>Why a ban was refused. Each maps to one safety rule.</summary>
public enum RefusalReason : byte
{
    None = 0,

    /// <summary>127.0.0.0/8 or ::1: banning it breaks the machine's own services.</summary>
    Loopback = 1,

    /// <summary>One of the machine's own addresses.</summary>
    OwnAddress = 2,

    /// <summary>The default gateway: banning it cuts the machine off the network.</summary>
    Gateway = 3,

    /// <summary>Inside a configured allowlist network (management, monitoring).</summary>
    Allowlisted = 4,

    /// <summary>The address of the admin's own SSH session (SSH_CONNECTION / SSH_CLIENT).</summary>
    SshClient = 5,

    /// <summary>The cap on new bans per minute was reached.</summary>
    RateCap = 6,
}

/// <summary>Names and messages for <see cref="RefusalReason"/>.</summary>
public static class RefusalReasons
{
    public static string Name(this RefusalReason reason) => reason switch
    {
        RefusalReason.None => "none",
        RefusalReason.Loopback => "loopback",
        RefusalReason.OwnAddress => "own_address",
        RefusalReason.Gateway => "gateway",
        RefusalReason.Allowlisted => "allowlisted",
        RefusalReason.SshClient => "ssh_client",
        RefusalReason.RateCap => "rate_cap",
        _ => "unknown",
    };

    public static RefusalReason Parse(string name) => name switch
    {
        "loopback" => RefusalReason.Loopback,
        "own_address" => RefusalReason.OwnAddress,
        "gateway" => RefusalReason.Gateway,
        "allowlisted" => RefusalReason.Allowlisted,
        "ssh_client" => RefusalReason.SshClient,
        "rate_cap" => RefusalReason.RateCap,
        _ => RefusalReason.None,
    };
}
