using System.Diagnostics;
using TodoFunctions.Api.Telemetry;
using Xunit.Abstractions;

namespace TodoFunctions.Api.Tests.Telemetry;

/// <summary>The Cosmos DB SDK's spans are exported only under the app's work, never as roots of the idle processor's polling.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class CosmosRootSpanTests(TelemetryHostFixture fixture, ITestOutputHelper output)
{
    private const string Cosmos = TodoTelemetryServiceCollectionExtensions.CosmosActivitySource;

    [Fact]
    public async Task An_idle_host_exports_no_root_cosmos_span_and_a_post_still_exports_its_batch_under_its_decide_span()
    {
        // Sees every Cosmos activity, exported or not, to know the idle change-feed processor has been polling.
        var rootsEnded = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Cosmos,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStopped = activity => { if (activity.ParentSpanId == default) Interlocked.Increment(ref rootsEnded); },
        };
        ActivitySource.AddActivityListener(listener);
        await Eventually.ReadAsync(() => Task.FromResult(Volatile.Read(ref rootsEnded)), ended => ended >= 10,
            "ten Cosmos operations of the idle change-feed processor");

        var todo = await fixture.Client.CreateTodoAsync("""{"title":"after an idle while"}""");
        var todoId = todo.GetProperty("id").GetString();

        var spans = fixture.Spans.Snapshot();
        var exportedRoots = spans.Where(span => span.Source.Name == Cosmos && span.ParentSpanId == default).ToList();
        Assert.True(exportedRoots.Count == 0,
            $"{exportedRoots.Count} root Cosmos spans exported, e.g. {string.Join(", ", exportedRoots.Take(5).Select(span => span.DisplayName))}");
        var decide = Assert.Single(spans, span => span.OperationName == "todo.decide" && span.GetTagItem("todo.id")?.ToString() == todoId);
        Assert.Single(spans, span => span.Source.Name == Cosmos && span.ParentSpanId == decide.SpanId
                                     && span.DisplayName.StartsWith("execute_batch", StringComparison.Ordinal));
        output.WriteLine($"{Volatile.Read(ref rootsEnded)} root Cosmos operations of the idle processor seen, none exported; {spans.Count(span => span.Source.Name == Cosmos)} Cosmos spans exported in all");
    }
}
