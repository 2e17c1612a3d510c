using Microsoft.Azure.Cosmos;
using TodoFunctions.CosmosEmulator;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// The service may answer a query page short (or empty) with a continuation. A list page that fills up from several
/// SDK pages drops what the last one returned beyond the limit; its next link must still be issued when anything was
/// dropped, or those todos are never listed.
/// </summary>
public sealed class ShortListPagesTests
{
    private const int Todos = 60;

    public static TheoryData<int, int> SeedsAndLimits()
    {
        var cases = new TheoryData<int, int>();
        foreach (var seed in new[] { 1, 2, 5, 7 })
            foreach (var limit in new[] { 3, 7, 10 })
                cases.Add(seed, limit);
        return cases;
    }

    [Theory]
    [MemberData(nameof(SeedsAndLimits))]
    public async Task A_walk_over_short_service_pages_lists_every_todo_once_in_order(int seed, int limit)
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { ShortQueryPages = new ShortQueryPages(seed, Probability: 0.6) });
        using var client = new CosmosClient(emulator.ConnectionString, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true, UseSystemTextJsonSerializerWithOptions = TodoJson.Options,
        });
        var container = await ReadModelWithTodosAsync(client);

        var walked = new List<string?>();
        string? after = null;
        do
        {
            var page = await TodoListQuery.PageAsync(container, ListRange.Live, limit, after, null, default);
            walked.AddRange(page.Todos.Select(todo => todo.Title));
            after = page.After;
        }
        while (after is not null && walked.Count <= Todos);

        Assert.Equal(Enumerable.Range(0, Todos).Select(i => $"todo {i}"), walked);
    }

    private static async Task<Container> ReadModelWithTodosAsync(CosmosClient client)
    {
        var database = (await client.CreateDatabaseAsync("short-pages")).Database;
        var container = (await database.CreateContainerAsync("todo-view", TodoStoreLayout.ReadModelPartitionKeyPath)).Container;
        var createdAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < Todos; i++)
        {
            var (id, at) = (Guid.NewGuid(), createdAt.AddSeconds(i));
            await container.CreateItemAsync(new TodoViewDocument(id.ToString(), $"todo {i}", false, null, false, 1, at, ListPosition: ListPosition.For(id, null, at)));
        }
        return container;
    }
}
