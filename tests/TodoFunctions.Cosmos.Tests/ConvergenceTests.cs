using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

public sealed class ConvergenceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    private const int Todos = 30;
    private const int Commands = 300;

    [Fact]
    public async Task After_a_random_workload_through_the_change_feed_every_read_document_equals_the_fold_of_its_stream()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var random = new Random(20240601);
        var ids = await Task.WhenAll(Enumerable.Range(0, Todos).Select(i => store.CreateAsync($"todo {i}", order: i % 3 == 0 ? null : i)));
        var workload = Enumerable.Range(0, Commands).Select(_ => (Id: ids[random.Next(Todos)], Command: RandomCommand(random))).ToList();

        await Parallel.ForEachAsync(workload, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (step, token) =>
            await store.Commands.ExecuteAsync(step.Id, step.Command, TodoStoreHarness.NoWait(), token));
        var tips = await Task.WhenAll(ids.Select(id => store.Store.LoadAsync(id, default)));
        await WaitUntilProjectedAsync(store, tips);

        foreach (var id in ids)
        {
            var stream = await store.Store.ReadStreamAsync(id, default);
            var folded = Todo.Fold(stream.Select(store.Decode))!;
            var shown = await store.ReadModel.GetAsync(id, default);
            if (folded.IsDeleted)
                Assert.Null(shown);
            else
                Assert.Equal(new TodoView(id, folded.Title, folded.Completed, folded.Order, stream.Count, stream[0].Timestamp), shown);
        }
        Assert.Contains(tips, tip => tip.State!.IsDeleted);
        Assert.Equal(
            tips.Where(tip => !tip.State!.IsDeleted).Select(tip => tip.TodoId).Order(),
            (await store.ReadModel.ListAsync(default)).Select(todo => todo.Id).Order());
    }

    [Fact]
    public async Task A_projector_started_on_an_existing_log_projects_it_from_the_beginning()
    {
        await using var writer = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var kept = await writer.CreateAsync("written before any projector ran");
        var gone = await writer.CreateAsync("deleted before any projector ran");
        await writer.Commands.ExecuteAsync(gone, new DeleteTodo(), TodoStoreHarness.NoWait(), default);

        await using var projector = await TodoStoreHarness.StartAsync(endpoint, withProjector: true, databaseName: writer.DatabaseName);
        await WaitUntilProjectedAsync(writer, [await writer.Store.LoadAsync(kept, default), await writer.Store.LoadAsync(gone, default)]);

        Assert.Equal([kept], (await writer.ReadModel.ListAsync(default)).Select(todo => todo.Id));
    }

    private static TodoCommand RandomCommand(Random random) => random.Next(20) switch
    {
        0 => new DeleteTodo(),
        < 7 => new UpdateTodo(Title: $"title {random.Next(5)}"),
        < 12 => new UpdateTodo(Completed: random.Next(2) == 0),
        < 16 => new UpdateTodo(Order: random.Next(3) == 0 ? new Optional<int?>(null) : random.Next(10)),
        _ => new UpdateTodo($"title {random.Next(5)}", random.Next(2) == 0, random.Next(10)),
    };

    /// <summary>Waits, within a generous bound, until the read model has applied every stream's last version.</summary>
    private static async Task WaitUntilProjectedAsync(TodoStoreHarness store, IEnumerable<TodoStream> tips)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var tip in tips)
            while (await store.ReadModel.ReadAppliedVersionAsync(tip.TodoId, bound.Token) < tip.Version)
                await Task.Delay(50, bound.Token);
    }
}
