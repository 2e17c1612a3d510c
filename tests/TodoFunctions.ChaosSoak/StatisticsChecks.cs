using System.Net;
using System.Text.Json;

namespace TodoFunctions.ChaosSoak;

/// <summary>The counts of <c>/api/stats</c>, as the soak computes them from the log and as the service answers them.</summary>
internal sealed record StatisticsCounts(
    long Total, long Active, long Completed, long Deleted, long CreatedToday, long CompletedToday, double CompletionRate, double? AverageTimeToCompleteSeconds)
{
    /// <summary>Equal counts, and ratios equal but for the order the service's sum adds the seconds in.</summary>
    public bool Matches(StatisticsCounts other) =>
        this with { CompletionRate = 0, AverageTimeToCompleteSeconds = null } == other with { CompletionRate = 0, AverageTimeToCompleteSeconds = null }
        && Close(CompletionRate, other.CompletionRate)
        && (AverageTimeToCompleteSeconds, other.AverageTimeToCompleteSeconds) switch
        {
            (null, null) => true,
            ({ } mine, { } theirs) => Close(mine, theirs),
            _ => false,
        };

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a));
}

/// <summary>
/// <c>/api/stats</c> after convergence against the statistics of the fold of every stream, computed here from the
/// definitions in docs/api.md and not from the service's <c>Statistics/</c> code: live todos are active or completed, the
/// trash is deleted and not purged, "today" is since midnight UTC, and the average time to complete runs from creation
/// to the last completion over live completed todos completed in the last 30 UTC days. The statistics projector
/// converges on its own, so the answer is polled until it matches or the bound passes.
/// </summary>
internal static class StatisticsChecks
{
    public const string StatisticsAreTheFold = "GET /api/stats on both hosts equals the statistics of the fold of every stream, within 60 s of the read model converging";

    private const int WindowDays = 30;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Returns what the soak expected and how long the slower host took to answer it (null if one never did).</summary>
    public static async Task<(StatisticsCounts Expected, TimeSpan? Waited)> CheckAsync(SoakCluster cluster, HttpClient http, StoredLog log, Violations violations)
    {
        TimeSpan? slowest = TimeSpan.Zero;
        var expected = Expected(log, DateTime.UtcNow);
        for (var host = 0; host < SoakCluster.Hosts; host++)
        {
            var root = cluster.BaseAddress(host)!;
            // "Today" is the day of each read, so a run that crosses midnight UTC compares like with like.
            var (answered, waited) = await Polling.UntilAsync(
                () => ReadAsync(http, root),
                answer => answer is { } stats && stats.Matches(expected = Expected(log, DateTime.UtcNow)),
                Bound);
            if (waited is null) violations.Add(StatisticsAreTheFold, $"host {host + 1} answers {answered?.ToString() ?? "no 200"}; the fold gives {expected}");
            slowest = waited is { } time && slowest is { } before ? (time > before ? time : before) : null;
        }
        return (expected, slowest);
    }

    public static StatisticsCounts Expected(StoredLog log, DateTime utcNow)
    {
        var today = new DateTimeOffset(utcNow.Date, TimeSpan.Zero);
        var windowStart = today.AddDays(1 - WindowDays);
        var streams = log.Streams.Keys.Select(log.StreamOf).Where(stream => stream.State is not null).ToList();
        var live = streams.Where(stream => !stream.State!.IsDeleted).ToList();
        var completed = live.Where(stream => stream.State!.Completed).ToList();
        var inWindow = completed.Where(stream => stream.CompletedAt >= windowStart).ToList();
        return new StatisticsCounts(
            live.Count,
            live.Count - completed.Count,
            completed.Count,
            streams.Count(stream => stream.State is { IsDeleted: true, IsPurged: false }),
            live.Count(stream => stream.CreatedAt >= today),
            completed.Count(stream => stream.CompletedAt >= today),
            live.Count == 0 ? 0 : (double)completed.Count / live.Count,
            inWindow.Count == 0 ? null : inWindow.Average(stream => (stream.CompletedAt!.Value - stream.CreatedAt).TotalSeconds));
    }

    private static async Task<StatisticsCounts?> ReadAsync(HttpClient http, Uri root)
    {
        using var response = await http.GetAsync(new Uri(root, "stats"));
        if (response.StatusCode != HttpStatusCode.OK) return null;
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var stats = body.RootElement;
        var hasAverage = stats.TryGetProperty("averageTimeToCompleteSeconds", out var average) && average.ValueKind != JsonValueKind.Null;
        return new StatisticsCounts(
            stats.GetProperty("total").GetInt64(), stats.GetProperty("active").GetInt64(), stats.GetProperty("completed").GetInt64(),
            stats.GetProperty("deleted").GetInt64(), stats.GetProperty("createdToday").GetInt64(), stats.GetProperty("completedToday").GetInt64(),
            stats.GetProperty("completionRate").GetDouble(), hasAverage ? average.GetDouble() : null);
    }
}
