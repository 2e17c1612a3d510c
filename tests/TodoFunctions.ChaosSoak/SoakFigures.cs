using TodoFunctions.Benchmarks;
using TodoFunctions.CosmosEmulator.Faults;

namespace TodoFunctions.ChaosSoak;

/// <summary>The figures a run prints whatever its verdict: what was injected, what the clients sent and were told.</summary>
internal static class SoakFigures
{
    public static void Print(IReadOnlyList<InjectedFault> injected, IReadOnlyCollection<Exchange> exchanges, TimeSpan? convergence)
    {
        Console.WriteLine($"Faults injected: {injected.Count(f => f.Kind != FaultOutcome.Latency)} failures, {injected.Count(f => f.Kind == FaultOutcome.Latency)} delays");
        foreach (var byKind in injected.GroupBy(f => f.Kind).OrderBy(kind => kind.Key))
            Console.WriteLine($"  {byKind.Key,-30} {byKind.Count(),6}   " + string.Join(", ", byKind.GroupBy(f => f.Container).Select(c => $"{c.Key} {c.Count()}")));

        var writes = exchanges.Where(e => e.IsWrite).ToList();
        var acknowledged = writes.Where(e => e.IsAcknowledged).ToList();
        Console.WriteLine($"Writes: {writes.Count} attempted, {acknowledged.Count} acknowledged, {writes.Count(e => e.IsRefused)} refused, {writes.Count(e => e.IsOutcomeUnknown)} outcome unknown");
        Console.WriteLine("  by kind:   " + string.Join(", ", writes.GroupBy(e => e.Kind).Select(kind => $"{kind.Key} {kind.Count()}")));
        Console.WriteLine("  by answer: " + string.Join(", ", writes.GroupBy(e => e.Status?.ToString() ?? e.Failure).OrderBy(status => status.Key).Select(status => $"{status.Key} {status.Count()}")));
        Console.WriteLine($"Reads: {exchanges.Count - writes.Count}; 503s (all requests): {exchanges.Count(e => e.Status == 503)}, of them without Retry-After: {exchanges.Count(e => e.Status == 503 && !e.HasRetryAfter)}");
        var waited = acknowledged.Where(e => e.WaitedForReadModel).ToList();
        Console.WriteLine($"Read-your-writes (X-Read-Model-Caught-Up) of the {waited.Count} acknowledged writes that waited: true {waited.Count(e => e.ReadModelCaughtUp == true)}, " +
            $"false {waited.Count(e => e.ReadModelCaughtUp == false)}; the {acknowledged.Count - waited.Count} that sent X-Wait-For-Read-Model: false answer false by definition");
        if (acknowledged.Count > 0)
        {
            var latencies = acknowledged.Select(e => e.Latency.TotalMilliseconds).ToList();
            Console.WriteLine($"Latency of acknowledged writes: p50 {Statistics.Percentile(latencies, 0.5):0} ms, p99 {Statistics.Percentile(latencies, 0.99):0} ms");
        }
        Console.WriteLine(convergence is { } time
            ? $"Convergence after the faults stopped: {time.TotalSeconds:0.00} s"
            : "Convergence after the faults stopped: none within 120 s");
    }
}
