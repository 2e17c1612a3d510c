using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// Concurrent writers sending every command over HTTP, spread over both hosts and aimed at the same few todos: creates,
/// PATCHes of any mix of fields, deletes, now and then a delete-all, some with If-Match, some not waiting for the read
/// model, and reads in between. Each request carries its own correlation id, so the log can be checked against what
/// the client was told. Each writer's choices come from the seed; the interleaving is the machine's.
/// </summary>
internal sealed class Workload(SoakCluster cluster, long seed) : IDisposable
{
    private const int Writers = 8;
    private const double IfMatchShare = 0.3;

    private readonly ConcurrentQueue<Exchange> exchanges = new();
    private readonly TodoPool pool = new();
    // Generous: a request with no answer in this time counts as one whose outcome the client never learned.
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public IReadOnlyCollection<Exchange> Exchanges => exchanges;

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
            var roll = random.NextDouble();
            exchanges.Enqueue(roll switch
            {
                _ when target is null || roll < 0.25 => await SendAsync(random, RequestKind.Create, HttpMethod.Post, "todos", correlationId, null, CreateBody(random)),
                < 0.70 => await SendAsync(random, RequestKind.Update, HttpMethod.Patch, $"todos/{target.Value.Id}", correlationId, target, UpdateBody(random)),
                < 0.80 => await SendAsync(random, RequestKind.Delete, HttpMethod.Delete, $"todos/{target.Value.Id}", correlationId, target, null),
                < 0.802 => await SendAsync(random, RequestKind.DeleteAll, HttpMethod.Delete, "todos", correlationId, null, null),
                < 0.90 => await SendAsync(random, RequestKind.Read, HttpMethod.Get, $"todos/{target.Value.Id}", correlationId, target, null),
                < 0.95 => await SendAsync(random, RequestKind.Read, HttpMethod.Get, $"todos/{target.Value.Id}/events", correlationId, target, null),
                _ => await SendAsync(random, RequestKind.Read, HttpMethod.Get, "todos", correlationId, null, null),
            });
        }
    }

    private async Task<Exchange> SendAsync(
        Random random, RequestKind kind, HttpMethod method, string path, string correlationId, (Guid Id, string? ETag)? target, JsonObject? body)
    {
        var host = random.Next(SoakCluster.Hosts);
        var root = cluster.BaseAddress(host) ?? cluster.BaseAddress((host + 1) % SoakCluster.Hosts)!;
        using var request = new HttpRequestMessage(method, new Uri(root, path));
        request.Headers.Add("X-Correlation-Id", correlationId);
        var wait = random.Next(2) == 0;
        if (kind != RequestKind.Read) request.Headers.Add("X-Wait-For-Read-Model", wait ? "true" : "false");
        if (kind is RequestKind.Update or RequestKind.Delete && target?.ETag is { } etag && random.NextDouble() < IfMatchShare)
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");

        var elapsed = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request);
            var answer = await ReadAnswerAsync(response);
            if (answer is not null)
            {
                if (kind == RequestKind.Create) pool.Created(answer.Id);
                pool.Answered(answer.Id, response.Headers.ETag?.ToString());
            }
            return new Exchange(kind, correlationId, wait, answer?.Id ?? target?.Id, (int)response.StatusCode, response.Headers.RetryAfter is not null,
                CaughtUp(response), kind == RequestKind.Read ? null : answer, elapsed.Elapsed, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new Exchange(kind, correlationId, wait, target?.Id, null, false, null, null, elapsed.Elapsed, exception.GetType().Name);
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
            order.ValueKind == JsonValueKind.Null ? null : order.GetInt32(), long.Parse(etag.Tag.Trim('"')));
    }

    private static bool? CaughtUp(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Read-Model-Caught-Up", out var values) ? values.Single() == "true" : null;

    private static JsonObject CreateBody(Random random)
    {
        var body = new JsonObject { ["title"] = Title(random) };
        if (random.Next(3) == 0) body["completed"] = true;
        if (random.Next(2) == 0) body["order"] = random.Next(100);
        return body;
    }

    /// <summary>Any non-empty mix of title, completed and order; the order sometimes cleared with null.</summary>
    private static JsonObject UpdateBody(Random random)
    {
        var body = new JsonObject();
        while (body.Count == 0)
        {
            if (random.Next(2) == 0) body["title"] = Title(random);
            if (random.Next(2) == 0) body["completed"] = random.Next(2) == 0;
            if (random.Next(3) == 0) body["order"] = random.Next(5) == 0 ? null : random.Next(100);
        }
        return body;
    }

    private static string Title(Random random) => $"todo {random.Next(1000)}";
}
