using System.Diagnostics;

namespace TodoFunctions.Api.Tests;

/// <summary>Waits for what an asynchronous part of the system (the projector, a queue-triggered function) does in its own time.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Reads until <paramref name="done"/> holds and returns that reading; fails, saying <paramref name="what"/>, after a minute.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var reading = await read();
            if (done(reading)) return reading;
            Assert.True(waited.Elapsed < Patience, $"Still waiting after {Patience.TotalSeconds} s for {what}.");
            await Task.Delay(20);
        }
    }
}
