namespace Uncloak.Linux.Systemd;

/// <summary>A finished systemd job: the unit, the job's object path and systemd's result word (<c>done</c> is success).</summary>
public sealed record UnitJob(string Unit, string Job, string Result)
{
    public bool Succeeded => Result == "done";
}
