using System.Diagnostics;
using Xunit;

namespace Uncloak.Integration.Tests.Cli.Commands.Analyze;

/// <summary>
/// Root reads everything, so "permission denied" is tested by running the real binary as an unprivileged user
/// (setpriv drops to nobody) against a file only root may read.
/// </summary>
public sealed class PermissionTests
{
    [RootFact]
    public void An_unreadable_log_is_a_clear_error_with_exit_2_and_the_readable_one_is_still_analysed()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-perm-");
        try
        {
            File.SetUnixFileMode(dir.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
            var secret = Path.Combine(dir.FullName, "kern.log");
            var open = Path.Combine(dir.FullName, "other.log");
            File.Copy(Path.Combine(AppContext.BaseDirectory, "demo-samples", "kern.log"), secret);
            File.Copy(secret, open);
            File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.OtherRead);

            var psi = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "--", "dotnet", Path.Combine(AppContext.BaseDirectory, "uncloak.dll"),
                         "analyze", "--json", "--no-store", secret, open])
            {
                psi.ArgumentList.Add(a);
            }
            psi.Environment["HOME"] = dir.FullName;
            psi.Environment["DOTNET_CLI_HOME"] = dir.FullName;
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "uncloak did not finish");
            Assert.Equal(2, p.ExitCode);
            Assert.Contains("kern.log: permission denied", stderr.Result);
            Assert.Contains("\"treason\":", stdout.Result);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
