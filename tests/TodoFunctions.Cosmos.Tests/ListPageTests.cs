using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>The list as the read model serves it: one stored sort key, pages by the SDK's continuation, a validator that costs no write.</summary>
public sealed class ListPageTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public void The_ordinal_order_of_list_positions_is_the_api_order_order_first_then_creation_then_id()
    {
        var random = new Random(10);
        int?[] orders = [null, int.MinValue, -1, 0, 1, 7, int.MaxValue];
        var todos = Enumerable.Range(0, 2_000).Select(_ => (
            Id: Guid.NewGuid(),
            Order: orders[random.Next(orders.Length)],
            CreatedAt: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(random.Next(3)).ToOffset(TimeSpan.FromHours(random.Next(-5, 6)))))
            .ToList();

        var byPosition = todos.OrderBy(todo => ListPosition.For(todo.Id, todo.Order, todo.CreatedAt), StringComparer.Ordinal);
        var byApiOrder = todos.OrderBy(todo => todo.Order is null).ThenBy(todo => todo.Order).ThenBy(todo => todo.CreatedAt).ThenBy(todo => todo.Id);

        Assert.Equal(byApiOrder, byPosition);
        Assert.All(todos, todo => Assert.True(string.CompareOrdinal(ListPosition.For(todo.Id, todo.Order, todo.CreatedAt), ListPosition.AfterLive) < 0));
    }

    [Fact]
    public async Task A_read_document_written_before_list_positions_existed_is_still_listed_and_paged_and_a_tombstone_sorts_last()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var ordered = await store.CreateAsync("ordered", waitForReadModel: true, order: 1);
        var deleted = await store.CreateAsync("deleted", waitForReadModel: true);
        await store.Commands.ExecuteAsync(deleted, new Domain.DeleteTodo(), new CommandContext("delete"), default);
        var legacy = Guid.NewGuid();
        await store.ReadContainer.CreateItemAsync(new JsonObject
        {
            ["id"] = legacy.ToString(), ["title"] = "from an older release", ["completed"] = false, ["order"] = null, ["deleted"] = false,
            ["version"] = 1, ["createdAt"] = DateTimeOffset.UtcNow, ["readModelVersion"] = 1,
        }, new PartitionKey(legacy.ToString()));

        var listed = (await store.ReadModel.ListAsync(default)).Select(todo => todo.Id);
        var paged = new List<Guid>();
        string? continuation = null;
        do
        {
            var page = await store.ReadModel.ListPageAsync(1, continuation, default);
            paged.AddRange(page.Todos.Select(todo => todo.Id));
            continuation = page.Continuation;
        }
        while (continuation is not null);

        Assert.Equal([legacy, ordered], listed);
        Assert.Equal([legacy, ordered], paged);
        var tombstone = await store.ReadContainer.ReadItemAsync<JsonObject>(deleted.ToString(), new PartitionKey(deleted.ToString()));
        Assert.Equal(ListPosition.AfterLive, (string?)tombstone.Resource["listPosition"]);
    }

    [Fact]
    public async Task The_list_validator_holds_while_nothing_is_written_moves_with_any_write_to_the_live_container_and_costs_one_change_feed_read_per_range()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        await store.CreateAsync("first", waitForReadModel: true);
        var ranges = (await store.ReadContainer.GetFeedRangesAsync()).Count;
        var first = await store.ReadModel.ListValidatorAsync(default);

        var cost = store.Requests.Measure();
        var unchanged = await store.ReadModel.ListValidatorAsync(default);
        var measured = (cost.RoundTrips, cost.RequestCharge);
        store.Requests.Measure();
        var outsider = Guid.NewGuid().ToString();
        await store.ReadContainer.UpsertItemAsync(new JsonObject { ["id"] = outsider, ["deleted"] = true, ["version"] = 1 }, new PartitionKey(outsider));
        var afterAnyWrite = await store.ReadModel.ListValidatorAsync(default);

        Assert.Equal(first, unchanged);
        Assert.NotEqual(first, afterAnyWrite);
        Assert.Equal(ranges, measured.RoundTrips);
        Assert.Equal(ranges * 1.0, measured.RequestCharge);
    }

    [Fact]
    public async Task After_a_split_the_validator_reads_each_range_once_holds_while_nothing_is_written_and_moves_with_a_write_in_either_range()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        for (var i = 0; i < 6; i++) await store.CreateAsync($"todo {i}", waitForReadModel: true);
        endpoint.Emulator!.SplitPartitionKeyRange(store.DatabaseName, TodoStoreLayout.ReadModelContainer, "0");
        var before = await store.ReadModel.ListValidatorAsync(default);

        var cost = store.Requests.Measure();
        var unchanged = await store.ReadModel.ListValidatorAsync(default);
        var measured = (cost.RoundTrips, cost.RequestCharge);
        var afterWrites = new List<string>();
        foreach (var todo in await store.ReadModel.ListAsync(default))
        {
            await store.Commands.ExecuteAsync(todo.Id, new Domain.UpdateTodo(Completed: true), new CommandContext("write"), default);
            afterWrites.Add(await store.ReadModel.ListValidatorAsync(default));
        }

        Assert.Equal(before, unchanged);
        Assert.Equal((2, 2.0), measured);
        Assert.Equal(afterWrites.Count, afterWrites.Prepend(before).Distinct().Count() - 1);
    }
}
