using System.Diagnostics;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// Reads something that converges on its own schedule (a projection, the statistics) until it matches what the log
/// implies or a generous bound passes: a mismatch that outlasts the bound is reported with the last value read.
/// </summary>
internal static class Polling
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<(T Last, TimeSpan? Waited)> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> holds, TimeSpan bound)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var last = await read();
            if (holds(last)) return (last, waited.Elapsed);
            if (waited.Elapsed > bound) return (last, null);
            await Task.Delay(PollInterval);
        }
    }
}
