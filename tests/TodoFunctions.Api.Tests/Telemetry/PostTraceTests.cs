using System.Diagnostics;
using System.Net;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos.Telemetry;
using Xunit.Abstractions;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests.Telemetry;

/// <summary>One causal trace from the HTTP request to the read model, as the in-memory exporter receives it.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class PostTraceTests(TelemetryHostFixture fixture, ITestOutputHelper output)
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    [Fact]
    public async Task A_post_is_one_span_tree_http_then_decide_with_its_cosmos_batch_then_the_read_your_writes_wait()
    {
        await fixture.Client.CreateTodoAsync("""{"title":"warm-up, so the printed trace is not the first request's"}""");
        var (client, todoId) = await PostInTraceAsync("traced");

        var spans = await SpansOfTraceAsync(client.TraceId, spans => spans.Any(span => span.OperationName == "todo.read_your_writes"));
        var http = Assert.Single(spans, span => span.ParentSpanId == client.SpanId);
        PrintTrace(http, spans);
        var decide = Assert.Single(spans, span => span.OperationName == "todo.decide");
        var wait = Assert.Single(spans, span => span.OperationName == "todo.read_your_writes");
        var batch = Assert.Single(spans, span => span.Source.Name == "Azure.Cosmos.Operation" && span.ParentSpanId == decide.SpanId);

        Assert.Equal((AspNetCoreSource, ActivityKind.Server), (http.Source.Name, http.Kind));
        Assert.Equal(http.SpanId, decide.ParentSpanId);
        Assert.Equal(http.SpanId, wait.ParentSpanId);
        Assert.True(batch.StartTimeUtc >= decide.StartTimeUtc && batch.StartTimeUtc + batch.Duration <= decide.StartTimeUtc + decide.Duration);
        Assert.True(wait.StartTimeUtc >= decide.StartTimeUtc + decide.Duration, "the wait follows the append");
        Assert.Equal("CreateTodo", decide.GetTagItem("todo.command"));
        Assert.Equal("succeeded", decide.GetTagItem("todo.outcome"));
        Assert.Equal(todoId, decide.GetTagItem("todo.id")?.ToString());
        Assert.Equal("caught_up", wait.GetTagItem("todo.read_your_writes.outcome"));
        Assert.Contains("batch", batch.DisplayName, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_projection_of_a_posted_todo_is_a_trace_of_its_own_linked_to_the_posts_http_span()
    {
        var (client, todoId) = await PostInTraceAsync("linked");
        var http = Assert.Single(await SpansOfTraceAsync(client.TraceId, spans => spans.Any(span => span.ParentSpanId == client.SpanId)),
            span => span.ParentSpanId == client.SpanId);

        var projections = await Eventually.ReadAsync(
            () => Task.FromResult(fixture.Spans.Snapshot().Where(span => span.OperationName == "todo.project" && span.GetTagItem("todo.id")?.ToString() == todoId).ToList()),
            found => found.Select(span => span.GetTagItem("todo.projection")).Distinct().Count() == 2,
            "the todo view's and the statistics' projection spans of the posted todo");

        Assert.All(projections, projection =>
        {
            Assert.Equal(default, projection.ParentSpanId);
            Assert.NotEqual(client.TraceId, projection.TraceId);
            var link = Assert.Single(projection.Links);
            Assert.Equal(http.TraceId, link.Context.TraceId);
            Assert.Equal(http.SpanId, link.Context.SpanId);
        });
    }

    /// <summary>
    /// POSTs a todo as the child of a client span of a fresh trace, so this trace's spans are told from all others; the
    /// app's HTTP span is the client span's child (the embedded emulator's own HTTP spans join the trace too).
    /// </summary>
    private async Task<(ActivityContext Client, string TodoId)> PostInTraceAsync(string title)
    {
        var client = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        using var request = new HttpRequestMessage(HttpMethod.Post, "todos") { Content = Json($$"""{"title":"{{title}}"}""") };
        request.Headers.Add("traceparent", $"00-{client.TraceId}-{client.SpanId}-01");
        using var response = await fixture.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (client, (await response.ReadJsonAsync()).GetProperty("id").GetString()!);
    }

    private Task<List<Activity>> SpansOfTraceAsync(ActivityTraceId traceId, Func<List<Activity>, bool> complete) =>
        Eventually.ReadAsync(
            () => Task.FromResult(fixture.Spans.Snapshot().Where(span => span.TraceId == traceId).ToList()),
            complete,
            $"the spans of trace {traceId}");

    /// <summary>The figure of the issue: the trace of one POST, span by span, with wall times (printed, never asserted).</summary>
    private void PrintTrace(Activity http, List<Activity> spans)
    {
        var lines = new List<string>();
        Print(http, 0);
        output.WriteLine($"The trace of one POST: {lines.Count} spans of the app ({spans.Count - lines.Count} more are the embedded emulator's own HTTP spans)");
        lines.ForEach(output.WriteLine);

        void Print(Activity span, int depth)
        {
            lines.Add($"{new string(' ', 2 * depth)}{span.DisplayName} [{span.Source.Name}] {span.Duration.TotalMilliseconds:F1} ms");
            foreach (var child in spans.Where(other => other.ParentSpanId == span.SpanId).OrderBy(other => other.StartTimeUtc)) Print(child, depth + 1);
        }
    }
}
