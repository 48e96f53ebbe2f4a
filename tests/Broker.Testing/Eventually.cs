using System.Diagnostics;

namespace LogBroker.Testing;

/// <summary>Waits for a condition with a deadline: the only way tests wait, never a fixed sleep.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> at the deadline.</summary>
    public static async Task True(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        var pause = 1;
        while (!condition())
        {
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"timed out after {limit.TotalSeconds:F0}s waiting for: {what}");
            }

            await Task.Delay(pause);
            pause = Math.Min(pause * 2, 50);
        }
    }

    /// <summary>As <see cref="True(Func{bool}, string, TimeSpan?)"/> for an async condition.</summary>
    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        var pause = 1;
        while (!await condition())
        {
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"timed out after {limit.TotalSeconds:F0}s waiting for: {what}");
            }

            await Task.Delay(pause);
            pause = Math.Min(pause * 2, 50);
        }
    }
}
