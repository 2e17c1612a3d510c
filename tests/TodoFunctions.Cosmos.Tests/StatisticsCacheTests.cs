using TodoFunctions.Domain;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// The statistics answer is kept under its validator: asked again while the validator has not moved, it costs only
/// the validator's reads; once a statistics write moves it, the aggregate runs again. Counted at the SDK's request
/// pipeline: the aggregate is the only query (POST) a statistics read sends.
/// </summary>
public sealed class StatisticsCacheTests(CosmosEndpoint endpoint, ITestOutputHelper output) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task A_second_read_under_the_same_validator_runs_no_aggregate_query_and_a_statistics_write_makes_the_next_one_run_it()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var ids = new[] { await store.CreateAsync("one"), await store.CreateAsync("two"), await store.CreateAsync("three") };
        var position = await ProjectStatisticsAsync(store, null);

        var first = await MeasuredReadAsync(store, "first read");
        var second = await MeasuredReadAsync(store, "same validator");
        await store.Commands.ExecuteAsync(ids[0], new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        await ProjectStatisticsAsync(store, position);
        var afterWrite = await MeasuredReadAsync(store, "after a statistics write");

        Assert.Equal(new TodoStatisticsView(3, 3, 0, 0, 3, 0, 0, null), first.Counts);
        Assert.Contains(first.Tally.Requests, IsQuery);
        Assert.Equal((first.Validator, first.Counts), (second.Validator, second.Counts));
        Assert.DoesNotContain(second.Tally.Requests, IsQuery);
        Assert.True(second.Tally.RequestCharge < first.Tally.RequestCharge);
        Assert.NotEqual(first.Validator, afterWrite.Validator);
        Assert.Contains(afterWrite.Tally.Requests, IsQuery);
        Assert.Equal((2L, 1L), (afterWrite.Counts.Active, afterWrite.Counts.Completed));
    }

    private static bool IsQuery(string request) => request.StartsWith("POST ", StringComparison.Ordinal);

    /// <summary>What the statistics function does for a 200: the validator, then the counts under it.</summary>
    private async Task<(string Validator, TodoStatisticsView Counts, RequestLog.Tally Tally)> MeasuredReadAsync(TodoStoreHarness store, string label)
    {
        var tally = store.Requests.Measure();
        var live = await store.Statistics.LiveAsync(default);
        var validator = await live.ValidatorAsync(default);
        var counts = await live.CountsAsync(validator, default);
        output.WriteLine($"{label,-26} {tally.RoundTrips} round trip(s), {tally.RequestCharge:0.##} RU: {string.Join(", ", tally.Requests)}");
        return (validator, counts, tally);
    }

    private static async Task<string> ProjectStatisticsAsync(TodoStoreHarness store, string? position)
    {
        var (pages, end) = await StatisticsExactnessTests.ChangeFeedPagesAsync(store.Events, position);
        foreach (var page in pages) await store.StatisticsProjector.ProjectAsync(page, default);
        return end;
    }
}
