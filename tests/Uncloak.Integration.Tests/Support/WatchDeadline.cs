namespace Uncloak.Integration.Tests.Support;

/// <summary>Waits on a process or the kernel: polls until a condition holds or the deadline passes (bounded, never forever).</summary>
internal static class WatchDeadline
{
    public static void Until(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up after {timeout.TotalSeconds:0} s waiting for {what()}");
            }
            Thread.Sleep(50);
        }
    }
}
