using TodoFunctions.Domain;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>What the trash and a restore cost, counted at the SDK's request pipeline like <see cref="CostTests"/>.</summary>
public sealed class TrashCostTests(CosmosEndpoint endpoint, ITestOutputHelper output) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task A_trash_page_costs_the_same_however_many_live_todos_sort_below_it_and_a_restore_is_a_snapshot_read_and_a_batch()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var trashed = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var id = await store.CreateAsync($"trashed {i}", waitForReadModel: true);
            await store.Commands.ExecuteAsync(id, new DeleteTodo(), new CommandContext("delete"), default);
            trashed.Add(id);
        }
        await (await store.ReadModel.TrashAsync(default)).PageAsync(5, null, default);

        var few = store.Requests.Measure();
        var page = await (await store.ReadModel.TrashAsync(default)).PageAsync(5, null, default);
        store.Requests.Measure();
        for (var i = 0; i < 60; i++) await store.CreateAsync($"live {i}", waitForReadModel: i == 59);
        var many = store.Requests.Measure();
        var samePage = await (await store.ReadModel.TrashAsync(default)).PageAsync(5, null, default);
        var restore = store.Requests.Measure();
        var restored = await store.Commands.ExecuteAsync(trashed[0], new RestoreTodo(), TodoStoreHarness.NoWait(), default);

        Report("trash page of 5, 0 live todos", few);
        Report("trash page of 5, 60 live todos", many);
        Report("restore", restore);
        Assert.Equal(trashed.AsEnumerable().Reverse().Take(5), page.Todos.Select(todo => todo.Id));
        Assert.Equal(page.Todos.Select(todo => todo.Id), samePage.Todos.Select(todo => todo.Id));
        Assert.Equal((few.RoundTrips, few.RequestCharge), (many.RoundTrips, many.RequestCharge));
        Assert.IsType<CommandOutcome.Succeeded>(restored);
        Assert.Equal(2, restore.RoundTrips);
    }

    private void Report(string operation, RequestLog.Tally tally) =>
        output.WriteLine($"{operation,-32} {tally.RoundTrips} round trip(s), {tally.RequestCharge:0.##} RU: {string.Join(", ", tally.Requests)}");
}
