using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// One todo as one page of a walk listed it: where (page and index, both from 1), and the fields that place it in
/// the list (its order) or tell which write it shows (the title is unique to the write that set it).
/// </summary>
internal sealed record Sighting(Guid Id, int Page, int Index, int? Order, string Title, bool Completed, DateOnly? DueDate)
{
    public override string ToString() =>
        $"page {Page} #{Index}: order {Order?.ToString() ?? "none"}, '{Title}', completed {Completed}, due {DueDate?.ToString("O") ?? "none"}";
}

/// <summary>
/// One walk of the paged list: its pages' answers, the todos they listed in order, the list position each page's
/// next link continues after (null for a page without one), and when it ran, on the workload's clock and the wall clock.
/// </summary>
internal sealed record ListWalk(
    string CorrelationId, int Limit, TimeSpan StartedAt, TimeSpan EndedAt, DateTimeOffset StartedAtUtc,
    IReadOnlyList<Exchange> Pages, IReadOnlyList<Sighting> Seen, IReadOnlyList<string?> PageEnds)
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
        var (startedAt, startedAtUtc) = (clock.Elapsed, DateTimeOffset.UtcNow);
        var pages = new List<Exchange>();
        var seen = new List<Sighting>();
        var pageEnds = new List<string?>();
        while (next is not null && pages.Count < MaxPages)
        {
            var page = await ReadPageAsync(http, clock, next, $"{correlationId}-page-{pages.Count + 1}", pages.Count + 1, seen);
            pages.Add(page.Exchange);
            pageEnds.Add(page.Next is null ? null : CursorPosition(page.Next));
            record(page.Exchange);
            next = page.Next;
        }
        return new ListWalk(correlationId, limit, startedAt, clock.Elapsed, startedAtUtc, pages, seen, pageEnds) { Complete = pages[^1].Status == 200 && next is null };
    }

    private static async Task<(Exchange Exchange, Uri? Next)> ReadPageAsync(HttpClient http, Stopwatch clock, Uri page, string correlationId, int number, List<Sighting> seen)
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
            seen.AddRange(todos.RootElement.EnumerateArray().Select((todo, index) => SightingOf(todo, number, index + 1)));
            return (exchange, NextLink(response, page));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return (new Exchange(RequestKind.Read, correlationId, false, null, null, false, null, null, elapsed.Elapsed, exception.GetType().Name) { Method = "GET", SentAt = sentAt }, null);
        }
    }

    private static Sighting SightingOf(JsonElement todo, int page, int index)
    {
        var order = todo.GetProperty("order");
        return new Sighting(todo.GetProperty("id").GetGuid(), page, index, order.ValueKind == JsonValueKind.Null ? null : order.GetInt32(),
            todo.GetProperty("title").GetString()!, todo.GetProperty("completed").GetBoolean(), ReadModelChecks.DueDateOf(todo));
    }

    /// <summary>The list position a next link's cursor continues after: the API's cursor is base64url JSON whose <c>after</c> is that position.</summary>
    private static string? CursorPosition(Uri next)
    {
        var cursor = QueryHelpers.ParseQuery(next.Query).GetValueOrDefault("cursor").ToString();
        if (cursor.Length == 0) return null;
        using var json = JsonDocument.Parse(WebEncoders.Base64UrlDecode(cursor));
        return json.RootElement.TryGetProperty("after", out var after) ? after.GetString() : null;
    }

    public static Uri? NextLink(HttpResponseMessage response, Uri page) =>
        response.Headers.TryGetValues("Link", out var links)
            ? links.SelectMany(link => link.Split(','))
                .Where(link => link.Contains("rel=\"next\"", StringComparison.Ordinal))
                .Select(link => new Uri(page, link[(link.IndexOf('<') + 1)..link.IndexOf('>')]))
                .FirstOrDefault()
            : null;
}
