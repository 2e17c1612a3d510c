using System.Net.Http.Headers;
using System.Text.Json;
using CsCheck;
using TodoFunctions.CosmosEmulator.Faults;
using FaultOutcome = TodoFunctions.CosmosEmulator.Faults.FaultOutcome;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// Generated sessions of requests against the local host (<see cref="FuzzedRequests"/>). After each: no answer was a
/// 5xx (but a 503 with <c>Retry-After</c> while faults are on), every refusal was a problem, every acknowledged write
/// is in the log, and the read model equals the fold of the log, the list and each todo's GET alike.
/// <c>TODOFUNCTIONS_FUZZ_SECONDS</c> sets each variant's budget; <c>CsCheck_Seed</c> replays a seed CsCheck reported.
/// </summary>
[Collection(HostileRequestsCollection.Name)]
public sealed class HttpApiFuzzTests(LocalHostFixture fixture, ITestOutputHelper output)
{
    private static readonly int Seconds = int.TryParse(Environment.GetEnvironmentVariable("TODOFUNCTIONS_FUZZ_SECONDS"), out var seconds) ? seconds : 8;

    private readonly HttpClient client = fixture.Client;

    [Fact]
    public Task Any_session_of_requests_answers_no_5xx_loses_no_write_and_keeps_the_read_model_equal_to_the_log() =>
        FuzzedRequests.Session.SampleAsync(session => RunAsync(session, faults: null), output.WriteLine, time: Seconds, threads: 1);

    [EmbeddedEmulatorFact]
    public Task With_faults_at_a_small_rate_the_only_5xx_is_503_with_retry_after_and_the_read_model_still_equals_the_log() =>
        FuzzedRequests.Session.SampleAsync(session => RunAsync(session, SmallRateOfFaults), output.WriteLine, time: Seconds, threads: 1);

    /// <summary>Faults on the app's own reads and appends, a few percent each; the change feed is left alone.</summary>
    private static readonly FaultPlan SmallRateOfFaults = new()
    {
        Seed = 9,
        Rules =
        [
            new FaultRule { Operations = [FaultOperation.Read, FaultOperation.Query], Probability = 0.03, Outcome = FaultOutcome.ServiceUnavailable },
            new FaultRule { Operations = [FaultOperation.Batch], Probability = 0.03, Outcome = FaultOutcome.Timeout },
            new FaultRule { Operations = [FaultOperation.Read, FaultOperation.Batch], Probability = 0.02, Outcome = FaultOutcome.DropConnection },
            new FaultRule { Probability = 0.03, Outcome = FaultOutcome.Throttle, RetryAfterMs = 1 },
        ],
    };

    private async Task RunAsync(FuzzedRequest[] session, FaultPlan? faults)
    {
        var todos = new List<Guid>();
        var versions = new Dictionary<Guid, long>();
        var acknowledged = new List<(Guid Id, long? Version)>();
        if (faults is not null) fixture.Emulator!.Faults.Install(faults);
        try
        {
            foreach (var fuzzed in session)
            {
                var id = fuzzed.IdPick < 7 && todos.Count > 0 ? todos[fuzzed.IdPick % todos.Count] : Guid.NewGuid();
                using var response = await client.SendAsync(Build(fuzzed, id, versions));
                var body = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                var because = $"{fuzzed} answered {status} {body}";
                Assert.True(status < 500 || (faults is not null && status == 503 && response.Headers.RetryAfter is not null), because);
                if (status >= 400 && fuzzed.Method != "HEAD") Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", because);
                if (status is < 200 or >= 300 || fuzzed.Method is not ("POST" or "PUT" or "PATCH" or "DELETE")) continue;

                if (response.Headers.ETag is { } etag && JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid() is var written)
                {
                    var version = long.Parse(etag.Tag.Trim('"'));
                    if (!todos.Contains(written)) todos.Add(written);
                    versions[written] = version;
                    acknowledged.Add((written, version));
                }
                else if (fuzzed.Route == FuzzedRoute.Todo && fuzzed.IdPick < 8)
                {
                    acknowledged.Add((id, null));
                }
            }
        }
        finally
        {
            if (faults is not null) fixture.Emulator!.Faults.Clear();
        }
        await AssertReadModelEqualsLogAsync(todos, acknowledged);
    }

    private async Task AssertReadModelEqualsLogAsync(List<Guid> todos, List<(Guid Id, long? Version)> acknowledged)
    {
        await Eventually.ReadAsync(() => fixture.Events.ReadModelMatchesAsync(client), matches => matches, "the list to equal the fold of the log");
        var log = await fixture.Events.FoldEveryStreamAsync();
        foreach (var (id, version) in acknowledged)
            Assert.True(log.TryGetValue(id, out var folded) && (version is { } v ? folded.Version >= v : !folded.IsLive), $"Acknowledged write {id} v{version} is not in the log.");
        foreach (var id in todos)
        {
            using var response = await client.GetAsync($"todos/{id}");
            var folded = log[id];
            if (!folded.IsLive)
            {
                Assert.Equal(404, (int)response.StatusCode);
                continue;
            }
            var todo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal($"\"{folded.Version}\"", response.Headers.ETag?.Tag);
            Assert.Equal(folded.State!.Title, todo.GetProperty("title").GetString());
            Assert.Equal(folded.State.Completed, todo.GetProperty("completed").GetBoolean());
            Assert.Equal(folded.State.Order, todo.GetProperty("order").ValueKind == JsonValueKind.Null ? null : todo.GetProperty("order").GetInt32());
        }
    }

    private static HttpRequestMessage Build(FuzzedRequest fuzzed, Guid id, Dictionary<Guid, long> versions)
    {
        var idSegment = fuzzed.IdPick >= 8 ? Uri.EscapeDataString(fuzzed.Garbage) : id.ToString();
        var path = fuzzed.Route switch
        {
            FuzzedRoute.List => "todos",
            FuzzedRoute.Todo => $"todos/{idSegment}",
            FuzzedRoute.Events => $"todos/{idSegment}/events",
            FuzzedRoute.Garbage => $"{Uri.EscapeDataString(fuzzed.Garbage)}/x",
            FuzzedRoute.Restore => $"todos/{idSegment}/restore",
            FuzzedRoute.Trash => "todos/trash",
            FuzzedRoute.TrashedTodo => $"todos/trash/{idSegment}",
            FuzzedRoute.Statistics => "stats",
            // A version among the first few, or garbage as the version or as the time.
            FuzzedRoute.History => $"todos/{idSegment}?{(fuzzed.IdPick % 3 == 0 ? "asOf" : "version")}={(fuzzed.IdPick < 6 ? fuzzed.IdPick.ToString() : Uri.EscapeDataString(fuzzed.Garbage))}",
            _ => "admin/projections/todos",
        };
        var request = new HttpRequestMessage(new HttpMethod(fuzzed.Method), path);
        if (fuzzed.Body.Bytes is { } bytes && fuzzed.Method is not ("GET" or "HEAD" or "TRACE" or "OPTIONS"))
        {
            request.Content = new ByteArrayContent(bytes);
            if (fuzzed.ContentType is { } contentType) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        var ifMatch = fuzzed.IfMatch switch
        {
            FuzzedIfMatch.Current => $"\"{versions.GetValueOrDefault(id, 1)}\"",
            FuzzedIfMatch.Wrong => "\"999\"",
            FuzzedIfMatch.Star => "*",
            FuzzedIfMatch.Weak => "W/\"1\"",
            FuzzedIfMatch.Garbage => fuzzed.Garbage,
            _ => null,
        };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (fuzzed.WaitForReadModel is { } wait) request.Headers.TryAddWithoutValidation("X-Wait-For-Read-Model", wait);
        if (fuzzed.SessionToken is { } token) request.Headers.TryAddWithoutValidation("X-Session-Token", token);
        return request;
    }
}
