namespace Uncloak.Integration.Tests.Support;

/// <summary>Waits for the kernel: polls a condition until it holds or a deadline passes (bounded, never forever).</summary>
public static class Poll
{
    public static T Until<T>(Func<T?> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up after {timeout.TotalSeconds:0} s waiting for {what}");
            }
            Thread.Sleep(100);
        }
    }
}
