using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
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
    public async Task A_read_document_written_before_list_positions_existed_is_left_out_until_a_rebuild_and_a_tombstone_sorts_last()
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
        var paged = await WalkAsync(store, limit: 1);

        Assert.Equal([ordered], listed);
        Assert.Equal([ordered], paged);
        var tombstone = await store.ReadContainer.ReadItemAsync<JsonObject>(deleted.ToString(), new PartitionKey(deleted.ToString()));
        Assert.StartsWith(ListPosition.AfterLive, (string?)tombstone.Resource["listPosition"]);
    }

    [Fact]
    public async Task A_walk_returns_every_todo_once_in_list_order_and_each_page_resumes_after_the_last_position_it_returned()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        for (var i = 0; i < 7; i++) await store.CreateAsync($"todo {i}", waitForReadModel: true, order: i % 3 == 0 ? null : 10 - i);

        var first = await store.ReadModel.ListPageAsync(3, null, default);
        var walked = await WalkAsync(store, limit: 3);

        Assert.Equal((await store.ReadModel.ListAsync(default)).Select(todo => todo.Id), walked);
        var last = first.Todos[^1];
        Assert.Equal(ListPosition.For(last.Id, last.Order, last.CreatedAt), first.After);
    }

    [Fact]
    public async Task A_write_answered_before_a_walk_began_moves_its_todo_during_the_walk_when_the_projector_applies_it_then_so_the_walk_lists_it_again_further_on()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var first = await store.CreateAsync("first", waitForReadModel: true, order: 1);
        var moved = await store.CreateAsync("moved", waitForReadModel: true, order: 2);
        var last = await store.CreateAsync("last", waitForReadModel: true, order: 3);
        // Answered without waiting: nothing writes the read model but the projector, however late it runs.
        await store.Commands.ExecuteAsync(moved, new Domain.UpdateTodo(Order: 4), TodoStoreHarness.NoWait("move"), default);

        var firstPage = await store.ReadModel.ListPageAsync(2, null, default);
        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(moved), default);
        var secondPage = await store.ReadModel.ListPageAsync(2, firstPage.After, default);

        Assert.Equal([(first, 1L), (moved, 1L)], firstPage.Todos.Select(todo => (todo.Id, todo.Version)));
        Assert.Equal([(last, 1L), (moved, 2L)], secondPage.Todos.Select(todo => (todo.Id, todo.Version)));
        var positions = firstPage.Todos.Concat(secondPage.Todos).Select(todo => ListPosition.For(todo.Id, todo.Order, todo.CreatedAt)).ToList();
        Assert.Equal(positions.Order(StringComparer.Ordinal), positions);
    }

    [Theory]
    [InlineData("9")]
    [InlineData("")]
    [InlineData("0|123|x")]
    [InlineData("1|0000000000000000001|not-a-guid")]
    public async Task A_position_that_is_not_a_live_todos_is_refused_before_any_query(string after)
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var cost = store.Requests.Measure();

        await Assert.ThrowsAsync<InvalidListPositionException>(() => store.ReadModel.ListPageAsync(2, after, default));
        Assert.DoesNotContain(cost.Requests, request => request.StartsWith("POST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_most_todos_are_deleted_a_page_reaching_the_end_of_the_list_and_the_bare_list_cost_what_a_page_did_before()
    {
        const int Live = 5;
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        for (var i = 0; i < 120; i++) await store.CreateAsync($"todo {i}", waitForReadModel: true);
        var before = await ChargeAsync(store, () => store.ReadModel.ListPageAsync(Live, null, default));
        foreach (var todo in (await store.ReadModel.ListAsync(default)).Skip(Live))
            await store.Commands.ExecuteAsync(todo.Id, new Domain.DeleteTodo(), new CommandContext("delete"), default);

        var lastPage = await ChargeAsync(store, () => store.ReadModel.ListPageAsync(Live, null, default));
        var bareList = await ChargeAsync(store, () => store.ReadModel.ListAsync(default));

        Assert.True(lastPage <= 1.2 * before && bareList <= 1.2 * before, $"a page before the deletes {before} RU; after them a page {lastPage} RU, the bare list {bareList} RU");
    }

    private static async Task<double> ChargeAsync(TodoStoreHarness store, Func<Task> read)
    {
        await store.ReadModel.ListValidatorAsync(default);
        var cost = store.Requests.Measure();
        await read();
        return cost.RequestCharge;
    }

    private static async Task<List<Guid>> WalkAsync(TodoStoreHarness store, int limit)
    {
        var walked = new List<Guid>();
        string? after = null;
        do
        {
            var page = await store.ReadModel.ListPageAsync(limit, after, default);
            walked.AddRange(page.Todos.Select(todo => todo.Id));
            after = page.After;
        }
        while (after is not null);
        return walked;
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
    public async Task After_a_split_the_validator_reads_both_ranges_at_once_holds_while_nothing_is_written_and_moves_with_a_write_in_either_range()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        for (var i = 0; i < 6; i++) await store.CreateAsync($"todo {i}", waitForReadModel: true);
        endpoint.Emulator!.SplitPartitionKeyRange(store.DatabaseName, TodoStoreLayout.ReadModelContainer, "0");
        var before = await store.ReadModel.ListValidatorAsync(default);

        // Each change-feed read of the read model is held 300 ms, so reads sent together are seen in flight together.
        endpoint.Emulator.Faults.Install(new FaultPlan
        {
            Rules = [new FaultRule { Operations = [FaultOperation.ChangeFeed], Container = TodoStoreLayout.ReadModelContainer, Outcome = FaultOutcome.Latency, LatencyMs = 300 }],
        });
        var cost = store.Requests.Measure();
        var unchanged = await store.ReadModel.ListValidatorAsync(default);
        endpoint.Emulator.Faults.Clear();
        var measured = (cost.RoundTrips, cost.RequestCharge, cost.MostInFlight);
        var afterWrites = new List<string>();
        foreach (var todo in await store.ReadModel.ListAsync(default))
        {
            await store.Commands.ExecuteAsync(todo.Id, new Domain.UpdateTodo(Completed: true), new CommandContext("write"), default);
            afterWrites.Add(await store.ReadModel.ListValidatorAsync(default));
        }

        Assert.Equal(before, unchanged);
        Assert.Equal((2, 2.0, 2), measured);
        Assert.Equal(afterWrites.Count, afterWrites.Prepend(before).Distinct().Count() - 1);
    }
}
