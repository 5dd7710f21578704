using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>Per interface: link flaps, driver resets, duplex, speed and flow control, and which caused which.</summary>
public sealed class NicRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        foreach (var nic in r.Interfaces)
        {
            var evidence = new List<string>();
            var reasoning = new List<string>();
            var advice = new List<string>();
            var severity = Severity.Info;
            var parts = new List<string>();
            long flaps = nic.FlapCount;
            if (flaps > 0)
            {
                evidence.Add($"{flaps} link-down episode(s){(nic.FlapsEnded > 0 ? $", down {Dur(nic.DownTotal)} in total, longest {Dur(nic.DownLongest)}" : "")}{(nic.StillDown ? "; still down when the log ends" : "")}.");
                parts.Add($"{flaps} link flap(s)");
                severity = Severity.Warning;
                long afterReset = nic.FlapsAfterReset;
                if (afterReset > 0)
                {
                    reasoning.Add($"{afterReset} of {flaps} flap(s) came within 60 s after a transmit hang/watchdog on this interface: the driver reset the NIC. That is a NIC/driver/firmware problem, not the cable or the switch.");
                    advice.Add("Update the driver/firmware; try `ethtool -K " + nic.Name + " tso off gso off`, disable PCIe ASPM and EEE; replace the NIC if it persists.");
                }
                else
                {
                    reasoning.Add("The flaps are not preceded by driver resets: suspect the cable, the transceiver or the switch port (check the switch's log for the same times).");
                    advice.Add($"To confirm: the switch's log and port error counters at the same times, and `ethtool -S {nic.Name}` CRC/symbol errors; swap the cable first, then the switch port or transceiver.");
                }
            }
            if (nic.Watchdogs + nic.Hangs > 0)
            {
                evidence.Add($"{nic.Watchdogs} transmit-queue timeout(s) (NETDEV WATCHDOG), {nic.Hangs} transmit unit hang(s).");
                parts.Add("transmit hangs/timeouts");
                severity = Severity.Critical;
                reasoning.Add("Each transmit timeout stops the interface until the driver's reset completes. Before 6.10 only the FIRST watchdog after boot is printed, so there may have been more.");
                reasoning.Add("A transmit hang is the NIC, its driver or its firmware: the stack handed it packets and they never left. It is not traffic from outside — no peer can make a NIC stop sending — so nothing here is an attack to ban.");
                if (nic.HangSpan is { } span && span >= TimeSpan.FromSeconds(10))
                {
                    evidence.Add($"Hang reports span {Dur(span)} with no link-up between them: the transmit ring stayed stuck rather than recovering after each report.");
                }
                advice.Add($"To confirm: `ethtool -S {nic.Name}` (tx_timeout_count, tx_hang/tx_restart counters climbing) and `ip -s link show {nic.Name}` (TX packets frozen while the qdisc backlog grows) during the next stall.");
                if (!advice.Any(a => a.Contains("tso off", StringComparison.Ordinal)))
                {
                    advice.Add($"Known fixes for transmit hangs (e1000e/igb/ixgbe above all): turn segmentation offloads off (`ethtool -K {nic.Name} tso off gso off`), disable PCIe ASPM (`pcie_aspm=off`) and EEE, update the driver and NIC firmware; replace the NIC if it persists.");
                }
            }
            if (nic.HalfDuplexUps > 0 || nic.DegradedWarnings > 0)
            {
                evidence.Add($"Link came up at half duplex {nic.HalfDuplexUps} time(s); {nic.DegradedWarnings} driver warning(s) about the negotiation.");
                parts.Add("half duplex");
                severity = Severity.Critical;
                reasoning.Add("Half duplex on a switched server port means autonegotiation failed on one side — the classic duplex mismatch: late collisions on this side, CRC errors on the switch, throughput collapsing under load.");
                advice.Add("Set both the NIC and the switch port to autonegotiate (or force both to the same speed and full duplex). `uncloak audit` checks it live.");
            }
            if (nic.LastSpeedMbps is > 0 and < 1000)
            {
                evidence.Add($"Last link-up at {nic.LastSpeedMbps} Mbps.");
                parts.Add($"{nic.LastSpeedMbps} Mbps");
                severity = (Severity)Math.Max((int)severity, (int)Severity.Warning);
                reasoning.Add("A server NIC below 1 Gbps usually means a bad cable (a broken pair drops gigabit to 100 Mbps) or a forced setting.");
            }
            if (nic.LastFlowControl is FlowControl.Rx or FlowControl.RxTx)
            {
                evidence.Add($"Flow control {EventDescription.FlowText(nic.LastFlowControl)}: the NIC obeys pause frames.");
                reasoning.Add("A congested switch can pause a server port with flow control on; on servers pause frames are usually better off (`ethtool -A IF rx off tx off`).");
            }
            if (evidence.Count == 0)
            {
                evidence.Add($"{nic.LinkUps} link-up message(s); last {(nic.LastSpeedMbps > 0 ? nic.LastSpeedMbps + " Mbps " : "")}{nic.LastDuplex.ToString().ToLowerInvariant()} duplex.");
            }
            string conclusion = parts.Count == 0 ? "No trouble seen on this interface." : $"{nic.Name}: " + string.Join(", ", parts) + ".";
            var downTotal = nic.DownTotal;
            // A hang line is the driver noticing a stuck ring, not a reset: e1000e repeats it every 2 s for as long as the
            // ring stays stuck, so the count says how long it lasted, not how often the NIC recovered.
            string? headline = nic.Watchdogs + nic.Hangs > 0
                ? $"{nic.Name}'s NIC stopped transmitting ({Math.Max(nic.Watchdogs, nic.Hangs)} transmit hang/timeout report(s){(nic.HangSpan is { } hung && hung > TimeSpan.Zero ? $" over {Dur(hung)}" : "")}){(downTotal > TimeSpan.Zero ? $", the link down for {Dur(downTotal)} in total" : "")}"
                : nic.HalfDuplexUps > 0 ? $"{nic.Name} runs at half duplex (a duplex mismatch)"
                : flaps > 0 ? $"{nic.Name}'s link went down {flaps} time(s)" : null;
            findings.Add(new Finding($"nic.{nic.Name}", severity, $"Interface {nic.Name}{(nic.Driver is null ? "" : $" ({nic.Driver})")}", conclusion)
            {
                Evidence = evidence,
                Reasoning = reasoning,
                Advice = advice,
                Headline = headline,
            });
        }
    }
}
