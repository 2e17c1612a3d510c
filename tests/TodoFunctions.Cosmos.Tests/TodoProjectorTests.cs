using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>The projector fed by hand, as a change feed may deliver: repeated, out of order, with snapshots mixed in.</summary>
public sealed class TodoProjectorTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task Projecting_a_batch_makes_the_read_model_show_the_fold_of_the_stream()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        await store.Commands.ExecuteAsync(id, new UpdateTodo("feed the cat", true, 7), TodoStoreHarness.NoWait(), default);

        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(id), default);

        Assert.Equal((await store.Store.LoadAsync(id, default)).ToView(), await store.ReadModel.GetAsync(id, default));
    }

    [Fact]
    public async Task Projecting_the_same_batch_again_writes_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        var batch = await store.DocumentsOfAsync(id);
        await store.Projector.ProjectAsync(batch, default);
        var before = await ReadDocumentAsync(store, id);

        await store.Projector.ProjectAsync(batch, default);

        var after = await ReadDocumentAsync(store, id);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(2, after.Resource.Version);
    }

    [Fact]
    public async Task Out_of_order_and_duplicated_deliveries_converge_on_the_fold_of_the_stream()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("one");
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "two"), TodoStoreHarness.NoWait(), default);
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Order: 4), TodoStoreHarness.NoWait(), default);
        var events = (await store.DocumentsOfAsync(id)).Where(document => document.IsEvent).OrderBy(document => document.Version).ToList();

        await store.Projector.ProjectAsync([events[3], events[2], events[3]], default);
        await store.Projector.ProjectAsync([events[0]], default);
        await store.Projector.ProjectAsync([events[1], events[0], events[1]], default);

        var expected = (await store.Store.LoadAsync(id, default)).ToView();
        Assert.Equal(expected, await store.ReadModel.GetAsync(id, default));
        Assert.Equal(("two", true, (int?)4, 4L), (expected.Title, expected.Completed, expected.Order, expected.Version));
    }

    [Fact]
    public async Task Events_of_one_batch_are_applied_in_stream_order_whatever_their_order_in_the_batch()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("one");
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "two"), TodoStoreHarness.NoWait(), default);
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "three"), TodoStoreHarness.NoWait(), default);

        await store.Projector.ProjectAsync([.. (await store.DocumentsOfAsync(id)).OrderByDescending(document => document.Version)], default);

        Assert.Equal(("three", 3L), await store.ReadModel.GetAsync(id, default) is { } todo ? (todo.Title, todo.Version) : default);
    }

    [Fact]
    public async Task Snapshots_alone_change_nothing_in_the_read_model()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");

        await store.Projector.ProjectAsync([.. (await store.DocumentsOfAsync(id)).Where(document => !document.IsEvent)], default);

        Assert.Null(await store.ReadModel.GetAsync(id, default));
    }

    [Fact]
    public async Task A_deleted_todo_leaves_the_live_view_and_a_replay_of_its_creation_does_not_bring_it_back()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var keep = await store.CreateAsync("keep me");
        await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default);
        var documents = await store.DocumentsOfAsync(id);
        await store.Projector.ProjectAsync([.. documents, .. await store.DocumentsOfAsync(keep)], default);

        await store.Projector.ProjectAsync([.. documents.Where(document => document.Version == 1)], default);

        Assert.Null(await store.ReadModel.GetAsync(id, default));
        Assert.Equal([keep], (await store.ReadModel.ListAsync(default)).Select(todo => todo.Id));
        Assert.Equal(2, (await ReadDocumentAsync(store, id)).Resource.Version);
    }

    [Fact]
    public async Task The_list_orders_by_order_ascending_with_unordered_todos_last_then_by_creation_time()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var unorderedFirst = await store.CreateAsync("unordered, older", waitForReadModel: true);
        var second = await store.CreateAsync("order 2", waitForReadModel: true, order: 2);
        var unorderedSecond = await store.CreateAsync("unordered, newer", waitForReadModel: true);
        var firstOfTwo = await store.CreateAsync("order 1, older", waitForReadModel: true, order: 1);
        var negative = await store.CreateAsync("order -5", waitForReadModel: true, order: -5);
        var secondOfTwo = await store.CreateAsync("order 1, newer", waitForReadModel: true, order: 1);

        var list = await store.ReadModel.ListAsync(default);

        Assert.Equal([negative, firstOfTwo, secondOfTwo, second, unorderedFirst, unorderedSecond], list.Select(todo => todo.Id));
    }

    [Fact]
    public void A_read_document_stored_before_read_model_versions_existed_counts_as_version_1_and_not_parked()
    {
        const string stored = """{"id":"3f0c2a7e-5a1b-4a4f-9a51-0f7a8f6d2b11","title":"walk the dog","completed":false,"order":null,"deleted":false,"version":2,"createdAt":"2025-11-28T15:55:01+00:00"}""";

        var document = JsonSerializer.Deserialize<TodoViewDocument>(stored, TodoJson.Options)!;

        Assert.Equal((1, null), (document.ReadModelVersion, document.Parked));
    }

    private static Task<ItemResponse<VersionOnly>> ReadDocumentAsync(TodoStoreHarness store, Guid id) =>
        store.ReadContainer.ReadItemAsync<VersionOnly>(id.ToString(), new PartitionKey(id.ToString()));

    private sealed record VersionOnly(long Version);
}
