using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// Concurrent writers sending every command over HTTP, spread over both hosts and aimed at the same few todos: creates,
/// PATCHes of any mix of fields (a due date among them), deletes, restores from the trash, purges of todos it deleted, now and then a delete-all, some with If-Match, some
/// not waiting for the read model, and reads in between (the trash among them), some of them walks of the paged list. A share of writes carry an Idempotency-Key,
/// and some of those are sent again with the same key and body: at once to the other host, or after the first ended.
/// Some updates are PUTs of a full representation. Each request carries its own correlation id, so the log can be checked against what
/// the client was told. Each writer's choices come from the seed; the interleaving is the machine's.
/// </summary>
internal sealed partial class Workload(SoakCluster cluster, long seed) : IDisposable
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private const string SessionTokenHeader = "X-Session-Token";
    private const int Writers = 8;
    private const double IfMatchShare = 0.3;
    private const double KeyedShare = 0.3;
    private const double SentAgainShare = 0.4;

    private readonly ConcurrentQueue<Exchange> exchanges = new();
    private readonly ConcurrentQueue<ListWalk> walks = new();
    private readonly ConcurrentQueue<SessionRead> sessionReads = new();
    private readonly TodoPool pool = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    // Generous: a request with no answer in this time counts as one whose outcome the client never learned.
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public IReadOnlyCollection<Exchange> Exchanges => exchanges;

    public IReadOnlyCollection<ListWalk> Walks => walks;

    public IReadOnlyCollection<SessionRead> SessionReads => sessionReads;

    /// <summary>Sends requests until <paramref name="stop"/>; requests in flight then are answered, never cancelled.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() => WriteAsync(writer, stop))));

    public void Dispose() => http.Dispose();

    private async Task WriteAsync(int writer, CancellationToken stop)
    {
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)) + writer);
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var correlationId = $"soak-{writer}-{sequence}";
            var target = pool.Pick(random);
            var trashed = pool.PickDeleted(random);
            var roll = random.NextDouble();
            var planned = roll switch
            {
                _ when target is null || roll < 0.25 => Plan(random, RequestKind.Create, HttpMethod.Post, "todos", correlationId, null, CreateBody(random, correlationId)),
                < 0.55 => Plan(random, RequestKind.Update, HttpMethod.Patch, $"todos/{target.Value.Id}", correlationId, target, UpdateBody(random, correlationId)),
                < 0.70 => Plan(random, RequestKind.Update, HttpMethod.Put, $"todos/{target.Value.Id}", correlationId, target, PutBody(random, correlationId)),
                < 0.80 => Plan(random, RequestKind.Delete, HttpMethod.Delete, $"todos/{target.Value.Id}", correlationId, target, null),
                < 0.802 => Plan(random, RequestKind.DeleteAll, HttpMethod.Delete, "todos", correlationId, null, null),
                < 0.84 => Plan(random, RequestKind.Restore, HttpMethod.Post, $"todos/{target.Value.Id}/restore", correlationId, target, null),
                < 0.855 when trashed is { } purged => Plan(random, RequestKind.Purge, HttpMethod.Delete, $"todos/trash/{purged.Id}", correlationId, purged, null),
                < 0.88 => Plan(random, RequestKind.Read, HttpMethod.Get, $"todos/{target.Value.Id}", correlationId, target, null),
                < 0.92 => Plan(random, RequestKind.Read, HttpMethod.Get, $"todos/{target.Value.Id}/events", correlationId, target, null),
                < 0.96 => null,
                < 0.98 => Plan(random, RequestKind.Read, HttpMethod.Get, "todos/trash", correlationId, null, null),
                _ => Plan(random, RequestKind.Read, HttpMethod.Get, "todos", correlationId, null, null),
            };
            if (planned is null)
                walks.Enqueue(await ListWalker.WalkAsync(http, cluster, clock, random, correlationId, exchanges.Enqueue));
            else if (planned.IdempotencyKey is null || random.NextDouble() >= SentAgainShare)
                await RecordAsync(await SendAsync(planned));
            else
                await SendTwiceAsync(planned, concurrently: random.Next(2) == 0);
        }
    }

    /// <summary>The same key, headers and body bytes again, to the other host: at once, or after the first ended.</summary>
    private async Task SendTwiceAsync(PlannedRequest first, bool concurrently)
    {
        var again = first with { CorrelationId = $"{first.CorrelationId}-again", Host = (first.Host + 1) % SoakCluster.Hosts, Concurrent = concurrently };
        if (concurrently)
        {
            foreach (var exchange in await Task.WhenAll(SendAsync(first with { Concurrent = true }), SendAsync(again))) await RecordAsync(exchange);
            return;
        }
        await RecordAsync(await SendAsync(first));
        await RecordAsync(await SendAsync(again));
    }

    /// <summary>Records an exchange; a write confirmed with a session token is read back at once on another host with that token.</summary>
    private async Task RecordAsync(Exchange exchange)
    {
        exchanges.Enqueue(exchange);
        if (!SessionReadChecks.Qualifies(exchange)) return;
        var other = Enumerable.Range(0, SoakCluster.Hosts).First(host => cluster.BaseAddress(host)?.ToString() != exchange.Server);
        var todo = exchange.TodoId!.Value;
        var read = await SendAsync(new PlannedRequest(RequestKind.Read, HttpMethod.Get, $"todos/{todo}", $"{exchange.CorrelationId}-read-back", other, false, (todo, null), null, null, null, null)
        {
            SessionToken = exchange.SessionToken,
        });
        exchanges.Enqueue(read);
        sessionReads.Enqueue(new SessionRead(exchange, read));
    }

    private static PlannedRequest Plan(
        Random random, RequestKind kind, HttpMethod method, string path, string correlationId, (Guid Id, string? ETag)? target, JsonObject? body)
    {
        var host = random.Next(SoakCluster.Hosts);
        var wait = random.Next(2) == 0;
        var ifMatch = kind is RequestKind.Update or RequestKind.Delete or RequestKind.Purge && target?.ETag is { } etag && random.NextDouble() < IfMatchShare ? etag : null;
        // A key from the seed, so a replay of the seed meets the same fault draws on the key's record.
        var key = kind != RequestKind.Read && random.NextDouble() < KeyedShare ? SeededUuid(random).ToString() : null;
        var header = key is not null && random.Next(2) == 0 ? $"\"{key}\"" : key;
        return new PlannedRequest(kind, method, path, correlationId, host, wait, target, ifMatch, body?.ToJsonString(), key, header)
        {
            Title = body?["title"]?.GetValue<string>(),
        };
    }

    private async Task<Exchange> SendAsync(PlannedRequest planned)
    {
        var (kind, method, path, correlationId, host, wait, target, ifMatch, body, key, keyHeader) = planned;
        var root = cluster.BaseAddress(host) ?? cluster.BaseAddress((host + 1) % SoakCluster.Hosts)!;
        using var request = new HttpRequestMessage(method, new Uri(root, path));
        request.Headers.Add("X-Correlation-Id", correlationId);
        if (kind != RequestKind.Read) request.Headers.Add("X-Wait-For-Read-Model", wait ? "true" : "false");
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (keyHeader is not null) request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, keyHeader);
        if (planned.SessionToken is not null) request.Headers.TryAddWithoutValidation(SessionTokenHeader, planned.SessionToken);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");

        var sentAt = clock.Elapsed;
        var elapsed = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request);
            var answer = await ReadAnswerAsync(response);
            var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var replay) && replay.Single() == "true";
            if (answer is not null)
            {
                if (kind == RequestKind.Create && !replayed) pool.Created(answer.Id);
                pool.Answered(answer.Id, response.Headers.ETag?.ToString());
            }
            if (kind is RequestKind.Delete or RequestKind.Restore or RequestKind.Purge && response.IsSuccessStatusCode && target is { } written)
                pool.Written(kind, written.Id, IfMatchVersion(ifMatch));
            return new Exchange(kind, correlationId, wait, answer?.Id ?? target?.Id, (int)response.StatusCode, response.Headers.RetryAfter is not null,
                CaughtUp(response), kind == RequestKind.Read ? null : answer, elapsed.Elapsed, null)
            {
                Method = method.Method, SentAt = sentAt, IdempotencyKey = key, ConcurrentDuplicate = planned.Concurrent, Replayed = replayed,
                ETag = response.Headers.ETag?.ToString(), IfMatchVersion = IfMatchVersion(ifMatch), Title = planned.Title,
                Path = path, Server = root.ToString(),
                SessionToken = kind != RequestKind.Read && response.Headers.TryGetValues(SessionTokenHeader, out var token) ? token.Single() : null,
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new Exchange(kind, correlationId, wait, target?.Id, null, false, null, null, elapsed.Elapsed, exception.GetType().Name)
            {
                Method = method.Method, SentAt = sentAt, IdempotencyKey = key, ConcurrentDuplicate = planned.Concurrent,
                IfMatchVersion = IfMatchVersion(ifMatch), Title = planned.Title, Path = path, Server = root.ToString(),
            };
        }
    }

    /// <summary>The todo a 200 or 201 answered with, and the version its ETag names.</summary>
    private static async Task<AnsweredTodo?> ReadAnswerAsync(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created) || response.Headers.ETag is not { } etag) return null;
        var todo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (todo.ValueKind != JsonValueKind.Object) return null;
        var order = todo.GetProperty("order");
        return new AnsweredTodo(todo.GetProperty("id").GetGuid(), todo.GetProperty("title").GetString()!, todo.GetProperty("completed").GetBoolean(),
            order.ValueKind == JsonValueKind.Null ? null : order.GetInt32(), long.Parse(etag.Tag.Trim('"')), ReadModelChecks.DueDateOf(todo));
    }

    private static long? IfMatchVersion(string? ifMatch) => ifMatch is null ? null : long.Parse(ifMatch.Trim('"'));

    private static bool? CaughtUp(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Read-Model-Caught-Up", out var values) ? values.Single() == "true" : null;

    /// <summary>A title, sometimes completed, an order, a due date (a v2 <c>TodoCreated</c>).</summary>
    private static JsonObject CreateBody(Random random, string correlationId)
    {
        var body = new JsonObject { ["title"] = Title(correlationId) };
        if (random.Next(3) == 0) body["completed"] = true;
        if (random.Next(2) == 0) body["order"] = random.Next(100);
        if (random.Next(3) == 0) body["dueDate"] = DueDate(random);
        return body;
    }

    /// <summary>Any non-empty mix of title, completed, order and due date; the order and due date sometimes cleared with null.</summary>
    private static JsonObject UpdateBody(Random random, string correlationId)
    {
        var body = new JsonObject();
        while (body.Count == 0)
        {
            if (random.Next(2) == 0) body["title"] = Title(correlationId);
            if (random.Next(2) == 0) body["completed"] = random.Next(2) == 0;
            if (random.Next(3) == 0) body["order"] = random.Next(5) == 0 ? null : random.Next(100);
            if (random.Next(4) == 0) body["dueDate"] = random.Next(4) == 0 ? null : DueDate(random);
        }
        return body;
    }

    /// <summary>A full representation: title and completed always, the order and the due date sometimes left out (none).</summary>
    private static JsonObject PutBody(Random random, string correlationId)
    {
        var body = new JsonObject { ["title"] = Title(correlationId), ["completed"] = random.Next(2) == 0 };
        if (random.Next(3) != 0) body["order"] = random.Next(100);
        if (random.Next(2) == 0) body["dueDate"] = DueDate(random);
        return body;
    }

    /// <summary>One of a few weeks of days, so that PATCHes often send the day a todo already has and change nothing.</summary>
    private static string DueDate(Random random) => new DateOnly(2027, 1, 1).AddDays(random.Next(21)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Guid SeededUuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>Unique to the request (and its twin sent again with the same body), so a purged todo's titles can be searched for.</summary>
    private static string Title(string correlationId) => $"todo {correlationId}";

    /// <summary>Finds the titles <see cref="Title"/> makes (correlation ids <c>soak-writer-sequence</c>) in any text.</summary>
    [GeneratedRegex(@"todo soak-\d+-\d+")]
    public static partial Regex Titles();

    /// <summary>One request as drawn, so that a keyed one can be sent again exactly.</summary>
    private sealed record PlannedRequest(
        RequestKind Kind, HttpMethod Method, string Path, string CorrelationId, int Host, bool Wait, (Guid Id, string? ETag)? Target,
        string? IfMatch, string? Body, string? IdempotencyKey, string? IdempotencyKeyHeader)
    {
        public bool Concurrent { get; init; }

        public string? Title { get; init; }

        /// <summary>Sent as <c>X-Session-Token</c>: a read back of a write on another host.</summary>
        public string? SessionToken { get; init; }
    }
}
