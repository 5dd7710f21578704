using System.Text.Json.Nodes;

namespace Uncloak.Firewall.Policy;

/// <summary>
/// The apply/confirm/rollback state on disk (default /var/lib/uncloak/firewall): <c>pending.json</c> while an
/// apply awaits confirmation, <c>previous.json</c> (the state before the last confirmed apply) for a later
/// manual rollback. Every change happens under an exclusive lock file, so confirm and the rollback timer
/// cannot both win. Files are written to a temp name and renamed (a crash leaves the old or the new file, never half).
/// </summary>
public sealed class GuardState
{
    public const string DefaultDir = "/var/lib/uncloak/firewall";

    public GuardState(string dir)
    {
        Dir = dir;
        Directory.CreateDirectory(dir);
    }

    public string Dir { get; }

    private string PendingPath => Path.Combine(Dir, "pending.json");

    private string PreviousPath => Path.Combine(Dir, "previous.json");

    /// <summary>Takes the exclusive lock; waits up to 10 s for another uncloak process to finish.</summary>
    public IDisposable Lock()
    {
        var path = Path.Combine(Dir, "lock");
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(100); // held by a concurrent confirm/rollback: they finish in milliseconds
            }
        }
    }

    public PendingApply? ReadPending()
    {
        if (!File.Exists(PendingPath))
        {
            return null;
        }
        var o = JsonNode.Parse(File.ReadAllText(PendingPath))!.AsObject();
        return new PendingApply(
            o["token"]!.GetValue<string>(),
            DateTimeOffset.FromUnixTimeMilliseconds(o["applied_ms"]!.GetValue<long>()),
            DateTimeOffset.FromUnixTimeMilliseconds(o["deadline_ms"]!.GetValue<long>()),
            o["timer_pid"]!.GetValue<int>(),
            o["previous"]!.ToJsonString());
    }

    public void WritePending(PendingApply p)
        => WriteAtomically(PendingPath, new JsonObject
        {
            ["token"] = p.Token,
            ["applied_ms"] = p.AppliedAt.ToUnixTimeMilliseconds(),
            ["deadline_ms"] = p.Deadline.ToUnixTimeMilliseconds(),
            ["timer_pid"] = p.TimerPid,
            ["previous"] = JsonNode.Parse(p.PreviousJson),
        }.ToJsonString());

    public void DeletePending() => File.Delete(PendingPath);

    public string? ReadPrevious() => File.Exists(PreviousPath) ? File.ReadAllText(PreviousPath) : null;

    public void WritePrevious(string json) => WriteAtomically(PreviousPath, json);

    public void DeletePrevious() => File.Delete(PreviousPath);

    /// <summary>Appends one line to rollback.log (the detached timer has no terminal).</summary>
    public void Log(string line) => File.AppendAllText(Path.Combine(Dir, "rollback.log"), $"{DateTimeOffset.UtcNow:O} {line}\n");

    private static void WriteAtomically(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
