namespace Uncloak.Benchmarks;

/// <summary>
/// <c>loop CASE METHOD N</c>: runs one <see cref="ClassifierBenchmarks"/> case N times in a plain loop, for instruction
/// counts under callgrind (repeatable on a busy machine, unlike times). Per-line cost = (count at N − count at 0) / N.
/// </summary>
internal static class LineLoop
{
    public static int Run(string[] args)
    {
        if (args.Length != 3 || !int.TryParse(args[2], out int n) || n < 0)
        {
            Console.Error.WriteLine("usage: loop CASE frame|classify|both N");
            return 2;
        }
        var bench = new ClassifierBenchmarks { Case = args[0] };
        bench.Setup();
        Func<bool> step = args[1] switch
        {
            "frame" => bench.Frame,
            "classify" => bench.Classify,
            _ => bench.FrameAndClassify,
        };
        int hits = 0;
        for (int i = 0; i < n; i++)
        {
            hits += step() ? 1 : 0;
        }
        Console.WriteLine(hits);
        return 0;
    }
}
