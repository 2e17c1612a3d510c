using TodoFunctions.Domain;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// A past state and a page of events are read with one single-partition query bounded by version, so their cost
/// depends on the events they return, not on how many the stream holds after them.
/// </summary>
public sealed class HistoryCostTests(CosmosEndpoint endpoint, ITestOutputHelper output) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task The_state_at_version_10_is_one_bounded_query_that_costs_the_same_on_a_20_event_and_a_1000_event_stream()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        // Longer than 10 on both sides: the snapshot carries the stream's version, and one at version 10 would be read too.
        var shortStream = await GrowAsync(store, 20);
        var longStream = await GrowAsync(store, 1000);
        await store.History.AtVersionAsync(shortStream, 1, default);

        var onShort = store.Requests.Measure();
        var shortPast = await store.History.AtVersionAsync(shortStream, 10, default);
        var onLong = store.Requests.Measure();
        var longPast = await store.History.AtVersionAsync(longStream, 10, default);
        var wholeLong = store.Requests.Measure();
        var longEnd = await store.History.AtVersionAsync(longStream, 1000, default);

        Report("version 10 of 20 events", onShort);
        Report("version 10 of 1,000 events", onLong);
        Report("version 1,000 of 1,000 events", wholeLong);
        Assert.Equal((10, 10, 1000), (shortPast!.Stream.Version, longPast!.Stream.Version, longEnd!.Stream.Version));
        Assert.Equal(shortPast.Stream.State, longPast.Stream.State);
        // The bounded query, and one point read of the snapshot: a purged todo's past is not served.
        Assert.All(onLong.Requests.SkipLast(1), request => Assert.StartsWith("POST ", request));
        Assert.EndsWith(":snapshot", onLong.Requests[^1]);
        Assert.Equal(Shape(onShort, shortStream), Shape(onLong, longStream));
        // The point read costs 1 RU per KiB of the snapshot, which a few more digits may take past a KiB boundary.
        Assert.InRange(onLong.RequestCharge - onShort.RequestCharge, 0, 1);
    }

    [Fact]
    public async Task A_page_of_events_costs_the_same_at_the_start_of_a_150_event_stream_and_in_the_middle_of_a_1000_event_one()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var shortStream = await GrowAsync(store, 150);
        var todoId = await GrowAsync(store, 1000);
        await store.Store.ReadStreamPageAsync(todoId, 1, 1, default);

        var atStart = store.Requests.Measure();
        var first = await store.Store.ReadStreamPageAsync(shortStream, 1, 100, default);
        var inMiddle = store.Requests.Measure();
        var middle = await store.Store.ReadStreamPageAsync(todoId, 500, 100, default);

        Report("events 1-100 of 150", atStart);
        Report("events 500-599 of 1,000", inMiddle);
        Assert.Equal((1L, 100L, 101L), (first!.Events[0].Version, first.Events[^1].Version, first.NextVersion!.Value));
        Assert.Equal((500L, 599L, 600L), (middle!.Events[0].Version, middle.Events[^1].Version, middle.NextVersion!.Value));
        Assert.Equal(Shape(atStart, shortStream), Shape(inMiddle, todoId));
        Assert.Equal(atStart.RequestCharge, inMiddle.RequestCharge);
    }

    /// <summary>The requests with the todo's id left out of the snapshot's point read.</summary>
    private static IEnumerable<string> Shape(RequestLog.Tally tally, Guid todoId) => tally.Requests.Select(request => request.Replace(todoId.ToString(), "{todoId}"));

    /// <summary>A todo whose stream holds <paramref name="length"/> events, appended straight to the store.</summary>
    private static async Task<Guid> GrowAsync(TodoStoreHarness store, int length)
    {
        var todoId = await store.CreateAsync("history");
        var stream = await store.Store.LoadAsync(todoId, default);
        while (stream.Version < length)
            stream = (await store.Store.TryAppendAsync(stream, [stream.State!.Completed ? new TodoUncompleted() : new TodoCompleted()], new CommandContext("grow"), default))!;
        return todoId;
    }

    private void Report(string read, RequestLog.Tally tally) =>
        output.WriteLine($"{read,-32} {tally.RoundTrips} round trip(s), {tally.RequestCharge:0.##} RU: {string.Join(", ", tally.Requests)}");
}
