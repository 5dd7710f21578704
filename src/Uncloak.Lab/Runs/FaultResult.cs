using Uncloak.Core.Forensics.Localization;
using Uncloak.Lab.Faults;

namespace Uncloak.Lab.Runs;

/// <summary>
/// What the daemon made of one fault: the outage it opened (start, end), the verdict it stored with the incident (first
/// layer, confidence, every ranked layer, summary), the bundle (copied out of the daemon's temporary directory) and the
/// verdict <c>uncloak analyze</c> gives over that copy. <see cref="Note"/> says why a run has no outage or bundle.
/// </summary>
public sealed record FaultResult(FaultKind Fault, DateTime FaultFrom, DateTime FaultTo)
{
    public Layer TrueLayer => Fault.TrueLayer();

    /// <summary>The clients' availability (a request every 100 ms from beyond the router) before the fault and while it held.</summary>
    public double ClientsBefore { get; init; }

    public double ClientsDuring { get; init; }

    public DateTime? OutageStart { get; init; }

    public DateTime? OutageEnd { get; init; }

    /// <summary>The daemon's verdict, as stored with its incident; <see cref="Layer.Unknown"/> when it opened none.</summary>
    public Layer Layer { get; init; } = Layer.Unknown;

    public double Confidence { get; init; }

    public IReadOnlyList<LayerScore> Layers { get; init; } = [];

    public string Summary { get; init; } = "";

    /// <summary>The copied bundle's folder; null when there was none.</summary>
    public string? Bundle { get; init; }

    /// <summary>The verdict over the copied bundle read again from disk, as on another machine; null without a bundle.</summary>
    public Layer? Reanalyzed { get; init; }

    public string Note { get; init; } = "";

    /// <summary>The daemon named the true layer first, and the bundle read again says the same.</summary>
    public bool Passed => Layer == TrueLayer && Reanalyzed == TrueLayer;
}
