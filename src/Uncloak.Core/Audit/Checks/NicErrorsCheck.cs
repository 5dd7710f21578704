using System.Globalization;

namespace Uncloak.Core.Audit.Checks;

/// <summary>`nic.errors`: CRC/frame errors and collisions, the counters of a duplex mismatch or a bad cable.</summary>
public sealed class NicErrorsCheck : NicCheck
{
    /// <summary>CRC + frame errors per received packet above which the link is failing, not just unlucky.</summary>
    public const double CrcFailRatio = 1e-4;

    /// <summary>Collisions per transmitted packet above which transmission is visibly impaired.</summary>
    public const double CollisionFailRatio = 1e-3;

    public override string Id => "nic.errors";
    public override Severity Severity => Severity.High;
    public override string Title => "No CRC errors or collisions on the link";
    public override string Expected => "rx_crc_errors, rx_frame_errors and collisions at 0 (or a handful since boot)";

    public override string Rationale =>
        "These are the fingerprints of a duplex mismatch: the half-duplex end counts collisions, and late collisions (after " +
        "the first 64 bytes, which cannot happen on a healthy half-duplex segment); the full-duplex end counts CRC and frame " +
        "errors, because the other end aborts frames mid-way. Without a mismatch, CRC errors point at the cable, the " +
        "connector, the switch port or interference. Every such frame is a lost packet TCP must retransmit after a timeout. " +
        "A few errors since boot (a cable reseated) are noise; counts that keep growing are the fault. The counters are " +
        "totals since the driver loaded; `--sample SECONDS` reads them twice and judges the growth instead (growing: " +
        "fail; static: a warning about the past). rx_missed_errors is a different matter " +
        "(the NIC's ring overflowed because the CPU did not keep up) and is shown for reference only.";

    protected override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot, InterfaceSnapshot nic)
    {
        long crc = nic.Stat("rx_crc_errors") ?? 0, frame = nic.Stat("rx_frame_errors") ?? 0, collisions = nic.Stat("collisions") ?? 0;
        long rx = nic.Stat("rx_packets") ?? 0, tx = nic.Stat("tx_packets") ?? 0, missed = nic.Stat("rx_missed_errors") ?? 0;
        long late = nic.Ethtool?.Statistics.Where(s => s.Key.Contains("late_coll", StringComparison.OrdinalIgnoreCase)).Sum(s => s.Value) ?? 0;
        if (nic.Statistics.Count == 0)
        {
            yield return Skip($"{nic.Name}: no statistics in sysfs.", nic.Name);
            yield break;
        }
        string observed = string.Create(CultureInfo.InvariantCulture,
            $"rx_crc_errors={crc} rx_frame_errors={frame} collisions={collisions} late collisions={late} (rx_packets={rx} tx_packets={tx}; rx_missed_errors={missed})");
        if (crc + frame == 0 && collisions == 0 && late == 0)
        {
            yield return Pass(observed, nic.Name);
            yield break;
        }
        double crcRatio = (double)(crc + frame) / Math.Max(rx, 1);
        double collisionRatio = (double)collisions / Math.Max(tx, 1);
        var fix = Fix.Advice(
            "Fix the duplex first if nic.duplex or nic.autoneg fail. Otherwise replace the cable, try another switch port, and check the switch's counters for the same port. " +
            $"Then see whether the counters still grow: uncloak audit --only nic.errors --sample 60");
        string detail = string.Create(CultureInfo.InvariantCulture, $"{crcRatio:0.######} CRC/frame errors per received packet, {collisionRatio:0.######} collisions per sent packet") +
            (nic.Duplex == Events.Duplex.Full && collisions > 0 ? "; collisions on a full-duplex link are impossible, so the link ran half duplex at some point since boot." : ".") +
            (late > 0 ? " Late collisions mean a duplex mismatch." : "");
        if (nic.Growth is { } g)
        {
            long crcGrowth = g.Delta("rx_crc_errors") + g.Delta("rx_frame_errors"), collisionGrowth = g.Delta("collisions");
            string over = string.Create(CultureInfo.InvariantCulture, $"{g.Interval.TotalSeconds:0} s");
            if (crcGrowth > 0 || collisionGrowth > 0)
            {
                yield return NotMet(observed + $"; +{crcGrowth} CRC/frame errors and +{collisionGrowth} collisions in {over}", fix, nic.Name,
                    $"Growing now: the fault is live. {detail}");
            }
            else
            {
                yield return Warn(observed + $"; no growth in {over}", fix, nic.Name, $"Not growing over {over}: a past event (a reseated cable, an old mismatch). {detail}");
            }
            yield break;
        }
        if (crcRatio >= CrcFailRatio || collisionRatio >= CollisionFailRatio || late > 0)
        {
            yield return NotMet(observed, fix, nic.Name, detail);
        }
        else
        {
            yield return Warn(observed, fix, nic.Name, detail + " Low enough to be a past event; sample again (--sample 60) to see whether they grow.");
        }
    }
}
