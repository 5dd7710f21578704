using Uncloak.Config;
using Uncloak.Daemon.Logging;
using Uncloak.Daemon.Metrics;

namespace Uncloak.Daemon;

/// <summary>What the web side of a running daemon reads and acts through.</summary>
/// <param name="Config">The daemon's config (metrics address, <c>web:</c>).</param>
/// <param name="Metrics">The gauges and counters <c>/metrics</c> renders.</param>
/// <param name="Engine">Status and actions, answered on the engine's own thread.</param>
/// <param name="StorePath">The store file, opened again by the web side for its own reads (SQLite WAL: readers never block the engine).</param>
/// <param name="Log">The daemon's log.</param>
/// <param name="Time">The daemon's clock.</param>
public sealed record WatchWebContext(WatchConfig Config, WatchMetrics Metrics, WatchEngine Engine, string StorePath, WatchLog Log, TimeProvider Time);
