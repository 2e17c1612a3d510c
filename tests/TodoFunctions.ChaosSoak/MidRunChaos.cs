using System.Diagnostics;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// What happens to the system while the workload runs, at fixed points of the run: a third in, one host (chosen by
/// the seed) is killed with SIGKILL and restarted under the same instance name; half-way, one of the events
/// container's ranges (chosen by the seed) splits.
/// </summary>
internal static class MidRunChaos
{
    public static async Task RunAsync(SoakCluster cluster, long seed, TimeSpan duration)
    {
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var victim = random.Next(SoakCluster.Hosts);
        var range = SoakCluster.InitialEventsRange(random);
        var clock = Stopwatch.StartNew();

        await Task.Delay(duration / 3);
        await cluster.KillAndRestartAsync(victim);
        Console.WriteLine($"  at {duration.TotalSeconds / 3:0.0} s: host {victim + 1} killed with SIGKILL, back after {clock.Elapsed.TotalSeconds - duration.TotalSeconds / 3:0.0} s");

        var half = duration / 2 - clock.Elapsed;
        if (half > TimeSpan.Zero) await Task.Delay(half);
        var children = cluster.SplitEventsRange(range);
        Console.WriteLine($"  at {clock.Elapsed.TotalSeconds:0.0} s: events range {range} split into {string.Join(" and ", children)}");
    }
}
