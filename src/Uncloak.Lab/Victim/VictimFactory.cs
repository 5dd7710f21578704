using Uncloak.Lab.Topology;

namespace Uncloak.Lab.Victim;

/// <summary>Starts the victim: Apache httpd with the prefork MPM when it is installed and preferred, Kestrel otherwise.</summary>
public static class VictimFactory
{
    public static async Task<IVictim> StartAsync(LabNames names, int workers, bool preferApache, CancellationToken cancel)
    {
        if (preferApache && ApacheVictim.IsInstalled)
        {
            return await ApacheVictim.StartAsync(names, workers, cancel);
        }
        return await KestrelVictim.StartAsync(names.Server, workers, cancel);
    }
}
