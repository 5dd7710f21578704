using BenchmarkDotNet.Running;
using Uncloak.Benchmarks;

// `generate` writes the seedable kern.log corpus used by bench/peers; anything else goes to BenchmarkDotNet.
if (args.Length > 1 && args[0] == "phases")
{
    return PhaseTimer.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "loop")
{
    return LineLoop.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "generate")
{
    return CorpusGenerator.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(ClassifierBenchmarks).Assembly).Run(args);
return 0;
