using System.Diagnostics;
using System.Text.Json;

namespace TodoFunctions.ChaosSoak;

/// <summary>One walk of the paged list: its pages' answers, the ids they listed in order, and when it ran.</summary>
internal sealed record ListWalk(string CorrelationId, int Limit, TimeSpan StartedAt, TimeSpan EndedAt, IReadOnlyList<Exchange> Pages, IReadOnlyList<Guid> Seen)
{
    /// <summary>The last page answered 200 without a next link.</summary>
    public bool Complete { get; init; }
}

/// <summary>
/// Walks <c>GET todos?limit=N</c> on one host, following <c>Link: rel="next"</c>, while the writers go on; it stops at the
/// first page that is not a 200 (a 503 asks to retry later) and records every page as a read.
/// </summary>
internal static class ListWalker
{
    // Far more pages than the workload's list can fill at the smallest limit: a cursor that loops ends here.
    private const int MaxPages = 2_000;
    private const int MaxLimit = 20;

    public static async Task<ListWalk> WalkAsync(HttpClient http, SoakCluster cluster, Stopwatch clock, Random random, string correlationId, Action<Exchange> record)
    {
        var limit = random.Next(1, MaxLimit + 1);
        var host = random.Next(SoakCluster.Hosts);
        var root = cluster.BaseAddress(host) ?? cluster.BaseAddress((host + 1) % SoakCluster.Hosts)!;
        Uri? next = new(root, $"todos?limit={limit}");
        var startedAt = clock.Elapsed;
        var pages = new List<Exchange>();
        var seen = new List<Guid>();
        while (next is not null && pages.Count < MaxPages)
        {
            var page = await ReadPageAsync(http, clock, next, $"{correlationId}-page-{pages.Count + 1}", seen);
            pages.Add(page.Exchange);
            record(page.Exchange);
            next = page.Next;
        }
        return new ListWalk(correlationId, limit, startedAt, clock.Elapsed, pages, seen) { Complete = pages[^1].Status == 200 && next is null };
    }

    private static async Task<(Exchange Exchange, Uri? Next)> ReadPageAsync(HttpClient http, Stopwatch clock, Uri page, string correlationId, List<Guid> seen)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, page);
        request.Headers.Add("X-Correlation-Id", correlationId);
        var sentAt = clock.Elapsed;
        var elapsed = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request);
            var exchange = new Exchange(RequestKind.Read, correlationId, false, null, (int)response.StatusCode, response.Headers.RetryAfter is not null, null, null, elapsed.Elapsed, null)
            {
                Method = "GET", SentAt = sentAt,
            };
            if (exchange.Status != 200) return (exchange, null);
            using var todos = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            seen.AddRange(todos.RootElement.EnumerateArray().Select(todo => todo.GetProperty("id").GetGuid()));
            return (exchange, NextLink(response, page));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return (new Exchange(RequestKind.Read, correlationId, false, null, null, false, null, null, elapsed.Elapsed, exception.GetType().Name) { Method = "GET", SentAt = sentAt }, null);
        }
    }

    public static Uri? NextLink(HttpResponseMessage response, Uri page) =>
        response.Headers.TryGetValues("Link", out var links)
            ? links.SelectMany(link => link.Split(','))
                .Where(link => link.Contains("rel=\"next\"", StringComparison.Ordinal))
                .Select(link => new Uri(page, link[(link.IndexOf('<') + 1)..link.IndexOf('>')]))
                .FirstOrDefault()
            : null;
}
