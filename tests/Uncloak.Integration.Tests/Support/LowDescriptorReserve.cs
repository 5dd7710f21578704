using System.Runtime.CompilerServices;
using Uncloak.Firewall.Interop;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// Holds the low descriptors libnftables contexts are opened on (<see cref="LowDescriptors"/>) from the moment the test
/// host loads these tests: parallel tests hold hundreds of sockets and files at once, and a context opened while every
/// descriptor below 1024 was taken aborted the whole test host (CI, stop 32).
/// </summary>
internal static class LowDescriptorReserve
{
    [ModuleInitializer]
    internal static void Hold() => LowDescriptors.Refill();
}
