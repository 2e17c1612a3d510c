using System.Net;
using Xunit.Abstractions;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests.Telemetry;

/// <summary>Lost races on one stream, as <c>todo.append.conflicts</c> and <c>todo.append.retries</c> count them.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class AppendRaceTests(TelemetryHostFixture fixture, ITestOutputHelper output)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Every_lost_race_of_concurrent_writes_is_a_conflict_and_a_retry_with_one_more_cosmos_batch()
    {
        const int Writers = 6;
        // Concurrent writers race only when their reads overlap; rounds repeat until one did (a generous liveness bound).
        const int MaxRounds = 50;
        var todo = await client.CreateTodoAsync("""{"title":"raced"}""");
        var todoId = todo.GetProperty("id").GetString();
        var before = fixture.CurrentMetrics();

        var (rounds, conflicts) = (0, 0L);
        while (conflicts == 0 && rounds < MaxRounds)
        {
            rounds++;
            var answers = await Task.WhenAll(Enumerable.Range(0, Writers).Select(async writer =>
            {
                using var patched = await client.SendWithHeadersAsync(
                    HttpMethod.Patch, todo.Url(), Json($$"""{"title":"writer {{writer}}"}"""), ("X-Wait-For-Read-Model", "false"));
                return patched.StatusCode;
            }));
            Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
            conflicts = MetricsTests.Count(fixture.CurrentMetrics(), "todo.append.conflicts") - MetricsTests.Count(before, "todo.append.conflicts");
        }
        var after = fixture.CurrentMetrics();

        Assert.True(conflicts > 0, $"{rounds} rounds of {Writers} concurrent PATCHes of one todo never raced");
        conflicts = MetricsTests.Count(after, "todo.append.conflicts") - MetricsTests.Count(before, "todo.append.conflicts");
        Assert.Equal(conflicts, MetricsTests.Count(after, "todo.append.retries") - MetricsTests.Count(before, "todo.append.retries"));
        var spans = fixture.Spans.Snapshot();
        var decides = spans.Where(span => span.OperationName == "todo.decide" && span.GetTagItem("todo.id")?.ToString() == todoId
            && (string?)span.GetTagItem("todo.command") == "UpdateTodo").Select(span => span.SpanId).ToHashSet();
        var batches = spans.Count(span => span.DisplayName.StartsWith("execute_batch", StringComparison.Ordinal) && decides.Contains(span.ParentSpanId));
        Assert.Equal(rounds * Writers, decides.Count);
        Assert.Equal(rounds * Writers + conflicts, batches);
        output.WriteLine($"{rounds} rounds of {Writers} concurrent PATCHes of one todo: {conflicts} lost races, {batches} Cosmos DB batches");
    }
}
