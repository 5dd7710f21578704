using Uncloak.Lab.Topology;

namespace Uncloak.Lab.Defences;

/// <summary>Configures the server namespace for a defence: sysctls and nft rules inside that namespace only.</summary>
public static class DefenceSetup
{
    /// <summary>The SYN rate of <see cref="DefenceKind.SynRateLimit"/>.</summary>
    public const int SynLimitPerSecond = 25, SynLimitBurst = 50;

    public static void Apply(LabNames names, DefenceKind defence)
    {
        ExternalCommand.Sysctl(names.Server, "net.ipv4.tcp_syncookies", defence == DefenceKind.None ? "0" : "1");
        if (defence == DefenceKind.SynRateLimit)
        {
            ExternalCommand.Nft(names.Server,
                "table inet uncloak_lab_synlimit {\n  chain in {\n    type filter hook input priority 0; policy accept;\n" +
                $"    tcp dport {LabNames.HttpPort} tcp flags & (syn | ack) == syn limit rate over {SynLimitPerSecond}/second burst {SynLimitBurst} packets drop\n" +
                "  }\n}\n");
        }
    }
}
