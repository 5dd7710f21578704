namespace Uncloak.Lab.Victim;

/// <summary>
/// A real HTTP server inside the lab's server namespace with a bounded number of workers, serving <c>/</c> (a small page)
/// and <c>/big</c> (1 MiB). Disposing stops it and frees its port.
/// </summary>
public interface IVictim : IAsyncDisposable
{
    /// <summary>"kestrel (16 connections)", "apache2 prefork (16 workers)".</summary>
    string Description { get; }

    /// <summary>How many requests it serves at once; what an exhaustion attack has to occupy.</summary>
    int Workers { get; }
}
