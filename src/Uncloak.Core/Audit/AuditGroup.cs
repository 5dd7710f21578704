namespace Uncloak.Core.Audit;

/// <summary>Sections of the report, in the order they are printed.</summary>
public enum AuditGroup
{
    /// <summary>SYN floods, backlogs and the TCP stack's defences.</summary>
    Tcp,

    /// <summary>Spoofing and route manipulation: rp_filter, redirects, source routing, martians, ICMP.</summary>
    Routing,

    /// <summary>Tables and memory that can fill up: conntrack, orphans, tcp_mem.</summary>
    Capacity,

    /// <summary>The physical link: duplex, speed, autonegotiation, errors, flow control, flaps.</summary>
    Nic,

    /// <summary>The queueing disciplines in front of the NICs: limits too small for the link, drops and overlimits climbing.</summary>
    Shaper,

    /// <summary>The services listening on the web ports.</summary>
    Services,

    /// <summary>What the kernel can tell you: debug messages, entropy.</summary>
    Kernel,
}

public static class AuditGroups
{
    public static string Name(this AuditGroup group) => group switch
    {
        AuditGroup.Tcp => "tcp",
        AuditGroup.Routing => "routing",
        AuditGroup.Capacity => "capacity",
        AuditGroup.Nic => "nic",
        AuditGroup.Shaper => "shaper",
        AuditGroup.Services => "services",
        AuditGroup.Kernel => "kernel",
        _ => throw new ArgumentOutOfRangeException(nameof(group)),
    };

    public static string Title(this AuditGroup group) => group switch
    {
        AuditGroup.Tcp => "TCP and SYN floods",
        AuditGroup.Routing => "Spoofing, redirects and ICMP",
        AuditGroup.Capacity => "Capacity: conntrack, orphans, TCP memory",
        AuditGroup.Nic => "NIC and link",
        AuditGroup.Shaper => "Shaper: queueing disciplines",
        AuditGroup.Services => "Listeners on the web ports",
        AuditGroup.Kernel => "What the kernel can tell you",
        _ => throw new ArgumentOutOfRangeException(nameof(group)),
    };
}
