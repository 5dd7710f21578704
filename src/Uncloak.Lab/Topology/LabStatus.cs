namespace Uncloak.Lab.Topology;

/// <summary>One lab namespace as it is now: whether it exists, its global addresses and the processes inside.</summary>
public sealed record LabNamespaceStatus(string Name, bool Exists, IReadOnlyList<string> Addresses, IReadOnlyList<int> Processes);

/// <summary>The lab as it is now.</summary>
public sealed record LabStatus(string Prefix, IReadOnlyList<LabNamespaceStatus> Namespaces)
{
    public bool IsUp => Namespaces.All(n => n.Exists);

    public bool IsDown => Namespaces.All(n => !n.Exists);
}
