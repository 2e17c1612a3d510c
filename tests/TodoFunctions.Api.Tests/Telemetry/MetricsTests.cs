using System.Net;
using OpenTelemetry.Metrics;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests.Telemetry;

/// <summary>The instruments of the <c>TodoFunctions</c> meter, read after a known workload on a host of their own.</summary>
[Collection(Name)]
public sealed class MetricsTests(TelemetryHostFixture fixture)
{
    public const string Name = "telemetry metrics";

    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Commands_read_your_writes_waits_and_projected_events_are_counted_by_their_tags()
    {
        var todo = await client.CreateTodoAsync("""{"title":"measured"}""");
        using (var stale = await client.SendAsync(HttpMethod.Patch, todo.Url(), Json("""{"completed":true}"""), ifMatch: "\"9\""))
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        using (var unwaited = await client.SendWithHeadersAsync(HttpMethod.Patch, todo.Url(), Json("""{"completed":true}"""), ("X-Wait-For-Read-Model", "false")))
            Assert.Equal(HttpStatusCode.OK, unwaited.StatusCode);
        using (var deleted = await client.DeleteAsync(todo.Url()))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var gone = await client.PatchAsync(todo.Url(), Json("""{"completed":false}""")))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        var metrics = await Eventually.ReadAsync(
            () => Task.FromResult(fixture.CurrentMetrics()),
            now => Count(now, "todo.projection.events", ("projection", "todos")) >= 3 && Count(now, "todo.projection.events", ("projection", "statistics")) >= 3,
            "both projections to apply the three events");

        Assert.Equal(1, Count(metrics, "todo.commands", ("command", "CreateTodo"), ("outcome", "succeeded")));
        Assert.Equal(1, Count(metrics, "todo.commands", ("command", "UpdateTodo"), ("outcome", "precondition_failed")));
        Assert.Equal(1, Count(metrics, "todo.commands", ("command", "UpdateTodo"), ("outcome", "succeeded")));
        Assert.Equal(1, Count(metrics, "todo.commands", ("command", "UpdateTodo"), ("outcome", "rejected")));
        Assert.Equal(1, Count(metrics, "todo.commands", ("command", "DeleteTodo"), ("outcome", "succeeded")));
        Assert.Equal(5, Count(metrics, "todo.commands"));
        Assert.Equal(2, Count(metrics, "todo.read_your_writes.wait", ("outcome", "caught_up")));
        Assert.Equal(1, Count(metrics, "todo.read_your_writes.wait", ("outcome", "skipped")));
        Assert.Equal(0, Count(metrics, "todo.read_your_writes.wait", ("outcome", "timed_out")));
        Assert.Equal(3, Count(metrics, "todo.projection.events", ("projection", "todos")));
        Assert.Equal(3, Count(metrics, "todo.projection.events", ("projection", "statistics")));
        Assert.Equal(3, Count(metrics, "todo.projection.lag", ("projection", "todos")));
        Assert.Equal(0, Count(metrics, "todo.append.conflicts"));
    }

    /// <summary>
    /// The sum of a counter, or the count of a histogram's measurements, over the points whose tags include
    /// <paramref name="tags"/>, as last exported (cumulative); 0 when nothing was measured.
    /// </summary>
    internal static long Count(IReadOnlyList<MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags)
    {
        var metric = metrics.LastOrDefault(exported => exported.Name == name);
        if (metric is null) return 0;
        long total = 0;
        foreach (var point in metric.MetricPoints)
        {
            var pointTags = new List<(string, string?)>();
            foreach (var tag in point.Tags) pointTags.Add((tag.Key, tag.Value?.ToString()));
            if (!tags.All(tag => pointTags.Contains((tag.Key, tag.Value)))) continue;
            total += metric.MetricType == MetricType.Histogram ? point.GetHistogramCount() : point.GetSumLong();
        }
        return total;
    }
}

[CollectionDefinition(MetricsTests.Name, DisableParallelization = true)]
public sealed class TelemetryMetricsCollection : ICollectionFixture<TelemetryHostFixture>;
