using System.Globalization;

namespace Uncloak.Core.Audit.Checks;

/// <summary>`nic.flow_control`: 802.3x pause frames off on a server port.</summary>
public sealed class NicFlowControlCheck : NicCheck
{
    public override string Id => "nic.flow_control";
    public override Severity Severity => Severity.Medium;
    public override string Title => "Flow control (pause frames) is off on the server port";
    public override string Expected => "pause rx off and tx off (unless a storage or RoCE fabric needs them)";

    public override string Rationale =>
        "With 802.3x flow control a congested switch (or a struggling peer NIC) sends PAUSE frames and this NIC stops " +
        "transmitting everything, to every client, for up to 65535 × 512 bit times per frame: 33 ms at 1 Gb/s, 335 ms at " +
        "100 Mb/s. One slow port or a misbehaving device can then stall a whole server, and the stalls look like the " +
        "network dropping connections. TCP already handles congestion end to end, per connection; a web server port is " +
        "better off dropping than pausing. The exception is a lossless fabric (iSCSI/FCoE storage, RoCE) that was designed " +
        "around pause or PFC: there, silence this check with that reason.";

    protected override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot, InterfaceSnapshot nic)
    {
        if (nic.Ethtool?.Pause is not { } pause)
        {
            yield return Skip($"{nic.Name}: the driver does not report pause settings.", nic.Name);
            yield break;
        }
        var pauseStats = nic.Ethtool.Statistics
            .Where(s => s.Key.Contains("pause", StringComparison.OrdinalIgnoreCase) || s.Key.Contains("xon", StringComparison.OrdinalIgnoreCase) || s.Key.Contains("xoff", StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key}={s.Value}"))
            .ToList();
        string observed = $"pause autoneg {(pause.Autoneg ? "on" : "off")} rx {(pause.Rx ? "on" : "off")} tx {(pause.Tx ? "on" : "off")}" +
            (pauseStats.Count > 0 ? "; " + string.Join(" ", pauseStats) : "");
        if (!pause.Rx && !pause.Tx)
        {
            yield return Pass(observed, nic.Name);
            yield break;
        }
        yield return NotMet(observed, new Fix { Nic = [new NicChange(nic.Name, NicAction.DisablePause)] }, nic.Name,
            pause.Rx ? "This NIC stops sending whenever the switch asks it to." : "This NIC asks the switch to stop sending when its own buffers fill.");
    }
}
