using TodoFunctions.Benchmarks;
using TodoFunctions.CosmosEmulator.Faults;

namespace TodoFunctions.ChaosSoak;

/// <summary>The figures a run prints whatever its verdict: what was injected, what the clients sent and were told.</summary>
internal static class SoakFigures
{
    public static void Print(IReadOnlyList<InjectedFault> injected, IReadOnlyCollection<Exchange> exchanges, IReadOnlyCollection<ListWalk> walks, TimeSpan? convergence)
    {
        Console.WriteLine($"Faults injected: {injected.Count(f => f.Kind != FaultOutcome.Latency)} failures, {injected.Count(f => f.Kind == FaultOutcome.Latency)} delays");
        foreach (var byKind in injected.GroupBy(f => f.Kind).OrderBy(kind => kind.Key))
            Console.WriteLine($"  {byKind.Key,-30} {byKind.Count(),6}   " + string.Join(", ", byKind.GroupBy(f => f.Container).Select(c => $"{c.Key} {c.Count()}")));

        var writes = exchanges.Where(e => e.IsWrite).ToList();
        var acknowledged = writes.Where(e => e.IsAcknowledged).ToList();
        Console.WriteLine($"Writes: {writes.Count} attempted, {acknowledged.Count} acknowledged, {writes.Count(e => e.IsRefused)} refused, {writes.Count(e => e.IsOutcomeUnknown)} outcome unknown");
        Console.WriteLine("  by kind:   " + string.Join(", ", writes.GroupBy(e => e.Kind).Select(kind => $"{kind.Key} {kind.Count()}")));
        Console.WriteLine("  by answer: " + string.Join(", ", writes.GroupBy(e => e.Status?.ToString() ?? e.Failure).OrderBy(status => status.Key).Select(status => $"{status.Key} {status.Count()}")));
        var puts = writes.Where(e => e.Method == "PUT").ToList();
        Console.WriteLine($"  PUTs (checked as updates): {puts.Count}, {puts.Count(e => e.IsAcknowledged)} acknowledged; PATCHes: {writes.Count(e => e.Method == "PATCH")}");
        PrintKeyed(writes.Where(e => e.IdempotencyKey is not null).ToList());
        PrintWalks(walks);
        Console.WriteLine($"Reads (list pages included): {exchanges.Count - writes.Count}; 503s (all requests): {exchanges.Count(e => e.Status == 503)}, of them without Retry-After: {exchanges.Count(e => e.Status == 503 && !e.HasRetryAfter)}");
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

    public static void PrintTrashAndStatistics(IReadOnlyCollection<Exchange> exchanges, int purgedTodos, int trashSize, (StatisticsCounts Expected, TimeSpan? Waited) statistics)
    {
        var purges = exchanges.Where(e => e.Kind == RequestKind.Purge).ToList();
        Console.WriteLine($"Purges: {purges.Count} attempted, {purges.Count(e => e.IsAcknowledged)} acknowledged (" +
            string.Join(", ", purges.GroupBy(e => e.Status?.ToString() ?? e.Failure).OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Count()}")) +
            $"); purged todos in the log: {purgedTodos}, their titles searched for in every stored document and answer");
        Console.WriteLine($"Trash at the end: {trashSize} todos; with dueDate: {exchanges.Count(e => e is { IsAcknowledged: true, Answer.DueDate: not null })} acknowledged answers");
        Console.WriteLine(statistics.Waited is { } waited
            ? $"/api/stats equals the fold on both hosts, {waited.TotalSeconds:0.00} s after the read model converged: {statistics.Expected}"
            : $"/api/stats did not equal the fold within 60 s: the fold gives {statistics.Expected}");
    }

    private static void PrintKeyed(List<Exchange> keyed)
    {
        var keys = keyed.GroupBy(e => e.IdempotencyKey).ToList();
        var sentTwice = keys.Where(key => key.Count() > 1).ToList();
        Console.WriteLine($"Idempotency-Key: {keys.Count} keys on {keyed.Count} requests; sent again: {sentTwice.Count} " +
            $"({sentTwice.Count(key => key.First().ConcurrentDuplicate)} at once to the other host, {sentTwice.Count(key => !key.First().ConcurrentDuplicate)} after the first ended)");
        Console.WriteLine($"  replays: {keyed.Count(e => e.Replayed)} (" + string.Join(", ", keyed.Where(e => e.Replayed).GroupBy(e => e.Status).OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Count()}")) +
            $"); 409 with Retry-After: {keyed.Count(e => e is { Status: 409, HasRetryAfter: true })}; keyed answers: " +
            string.Join(", ", keyed.GroupBy(e => e.Status?.ToString() ?? e.Failure).OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Count()}")));
    }

    private static void PrintWalks(IReadOnlyCollection<ListWalk> walks)
    {
        var pages = walks.SelectMany(walk => walk.Pages).ToList();
        Console.WriteLine($"List walks (limit 1-20, following Link): {walks.Count}, {walks.Count(walk => walk.Complete)} to the end; pages {pages.Count} (" +
            string.Join(", ", pages.GroupBy(p => p.Status?.ToString() ?? p.Failure).OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Count()}")) +
            $"); todos listed {walks.Sum(walk => walk.Seen.Count)}, repeats within a walk {walks.Sum(PagingChecks.DuplicatesOf)} (each one the read model moved forward during the walk unless reported below)");
    }
}
