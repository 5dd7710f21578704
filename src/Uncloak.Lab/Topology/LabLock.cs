namespace Uncloak.Lab.Topology;

/// <summary>
/// Keeps two runs from building the same lab at once (each would delete the other's namespaces): an exclusive lock on
/// <c>/run/lock/uncloak-lab-PREFIX.lock</c>, which .NET takes with flock(2), so the kernel releases it when the process
/// dies and a crashed run never blocks the next one.
/// </summary>
public sealed class LabLock : IDisposable
{
    private readonly FileStream _file;

    private LabLock(FileStream file) => _file = file;

    /// <summary>Takes the lock or throws <see cref="LabException"/> when another run holds it.</summary>
    public static LabLock Acquire(LabNames names)
    {
        string dir = Directory.Exists("/run/lock") ? "/run/lock" : Path.GetTempPath();
        string path = Path.Combine(dir, $"uncloak-lab-{names.Prefix.TrimEnd('-')}.lock");
        try
        {
            return new LabLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new LabException($"another uncloak lab run is using the namespaces {names.Prefix}* (lock {path} is held)", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
