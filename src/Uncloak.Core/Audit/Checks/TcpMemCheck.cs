namespace Uncloak.Core.Audit.Checks;

/// <summary>`tcp.mem`: TCP memory use below the pressure threshold, and the thresholds not cut below the kernel's own sizing.</summary>
public sealed class TcpMemCheck : AuditCheck
{
    public override string Id => "tcp.mem";
    public override AuditGroup Group => AuditGroup.Capacity;
    public override Severity Severity => Severity.Medium;
    public override string Title => "TCP memory is below pressure and not capped too low";
    public override string Expected => "sockstat mem < tcp_mem[1] (pressure); tcp_mem[2] ≥ half of what the kernel sizes at boot (~9% of RAM)";

    public override string Rationale =>
        "net.ipv4.tcp_mem is three page counts: below the first TCP memory is unregulated, above the second the kernel is " +
        "under pressure and shrinks every socket's buffers, above the third it refuses new buffer memory, aborts sockets " +
        "(TCPAbortOnMemory) and logs \"TCP: out of memory -- consider tuning tcp_mem\". At boot the kernel sets the third to " +
        "about 9% of RAM. Values copied from old tuning guides are often far smaller than that on today's machines, and " +
        "then a few thousand slow readers (or a deliberate zero-window attack) exhaust TCP memory while RAM sits idle. " +
        "If the message appears while memory is free, raise the third value; if usage sits above the second, find the " +
        "sockets with full send queues (`ss -tnm`).";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        if (snapshot.Ints("net.ipv4.tcp_mem") is not { Length: 3 } mem)
        {
            yield return Skip("net.ipv4.tcp_mem is not readable.");
            yield break;
        }
        long used = snapshot.TcpSockets?.MemoryPages ?? 0;
        string observed = $"net.ipv4.tcp_mem={mem[0]} {mem[1]} {mem[2]} (pages of {snapshot.PageSize} B); in use {used} pages" +
            (snapshot.TcpSockets is null ? " (sockstat not readable)" : "");
        // tcp_init_mem(): limit = nr_free_buffer_pages()/16; max = limit/4*3*2 ≈ 3/32 of RAM. Half of that is clearly "cut down".
        long? bootMax = snapshot.MemoryTotalBytes is { } ram ? ram / snapshot.PageSize * 3 / 32 : null;
        var problems = new List<string>();
        bool fail = false;
        if (used >= mem[2])
        {
            fail = true;
            problems.Add("TCP memory is at the hard limit: sockets are being aborted now.");
        }
        else if (used >= mem[1])
        {
            problems.Add("TCP memory is above the pressure threshold: every socket's buffers are being squeezed.");
        }
        if (bootMax is { } bm && mem[2] < bm / 2)
        {
            problems.Add($"The hard limit {mem[2]} pages ({mem[2] * snapshot.PageSize / (1024 * 1024)} MiB) is less than half of what the kernel would size for this RAM (~{bm} pages): probably copied from an old guide.");
        }
        if (problems.Count == 0)
        {
            yield return Pass(observed);
            yield break;
        }
        Fix fix = bootMax is { } b && mem[2] < b / 2
            ? Fix.Sysctl(new SysctlChange("net.ipv4.tcp_mem", $"{b / 2} {b * 2 / 3} {b}"))
            : Fix.Advice("Find the sockets holding memory: ss -tnm | sort -t: -k2 -n | tail (large Send-Q and skmem). Raise the third tcp_mem value only if RAM is free.");
        string detail = string.Join(' ', problems);
        yield return fail ? NotMet(observed, fix, detail: detail) : Warn(observed, fix, detail: detail);
    }
}
