using Uncloak.Core.Events;
using Uncloak.Firewall.Host;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

public sealed class HostFactsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-host-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Default_gateways_are_read_from_the_route_tables_and_other_routes_ignored()
    {
        var route = Path.Combine(_dir, "route");
        File.WriteAllText(route,
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
            "eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
            "eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
        var route6 = Path.Combine(_dir, "ipv6_route");
        File.WriteAllText(route6,
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth0\n" +
            "20010002000000010000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0\n");

        Assert.Equal([NetAddress.Parse("192.168.0.1")], HostFacts.Gateways4(route));
        Assert.Equal([NetAddress.Parse("fe80::1")], HostFacts.Gateways6(route6));
        Assert.Empty(HostFacts.Gateways4(Path.Combine(_dir, "missing")));
    }
}
