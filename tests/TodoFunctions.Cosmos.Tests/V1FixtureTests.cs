using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// Forever: documents as the release before per-type schemas stored them (<see cref="V1Fixture"/>) are read as they
/// were by every reader of this one: the event store, the projector on the change feed, commands and a rebuild.
/// </summary>
public sealed class V1FixtureTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    private static readonly DateOnly Friday = new(2027, 1, 15);

    private static readonly Dictionary<Guid, TodoView> Expected = new()
    {
        [V1Fixture.Renamed] = new(V1Fixture.Renamed, "buy oat milk", false, 7, 5, V1Fixture.CreatedAt(V1Fixture.Renamed)),
        [V1Fixture.CreatedCompleted] = new(V1Fixture.CreatedCompleted, "file the taxes", true, null, 2, V1Fixture.CreatedAt(V1Fixture.CreatedCompleted)),
    };

    [Fact]
    public async Task The_v1_events_read_back_as_stored_and_decode_upcast_with_no_due_date()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        await V1Fixture.LoadEventsAsync(store.Events);

        foreach (var id in new[] { V1Fixture.Renamed, V1Fixture.CreatedCompleted, V1Fixture.Deleted })
        {
            var stream = await store.Store.ReadStreamAsync(id, default);
            Assert.Equal(
                V1Fixture.EventsOf(id).Select(stored => (stored["type"]!.ToJsonString(), 1, stored["data"]!.ToJsonString())),
                stream.Select(recorded => (JsonSerializer.Serialize(recorded.Type), recorded.SchemaVersion, recorded.Data.GetRawText())));
            Assert.Null(Assert.IsType<TodoCreated>(store.Decode(stream[0])).DueDate);
        }
        Assert.Equal(new Todo("walk the dog", true, 1, IsDeleted: true), Todo.Fold((await store.Store.ReadStreamAsync(V1Fixture.Deleted, default)).Select(store.Decode)));
    }

    [Fact]
    public async Task The_v1_read_documents_read_as_the_todos_they_were_with_no_due_date()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        await V1Fixture.LoadReadDocumentsAsync(store.ReadContainer);

        foreach (var (id, expected) in Expected)
            Assert.Equal(expected, await store.ReadModel.GetAsync(id, default));
        Assert.Null(await store.ReadModel.GetAsync(V1Fixture.Deleted, default));
        Assert.Equal([V1Fixture.Renamed, V1Fixture.CreatedCompleted], (await store.ReadModel.ListAsync(default)).Select(todo => todo.Id));
    }

    [Fact]
    public async Task Projecting_the_v1_events_from_the_change_feed_writes_the_read_documents_of_that_release_plus_this_ones_fields()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        await V1Fixture.LoadEventsAsync(store.Events);

        foreach (var stored in V1Fixture.ReadDocuments)
        {
            var id = (string)stored["id"]!;
            await TodoStoreHarness.EventuallyAsync(async () => (await ReadRawAsync(store.ReadContainer, id))?["version"]?.GetValue<long>() == (long)stored["version"]!);
            var projected = (await ReadRawAsync(store.ReadContainer, id))!;
            foreach (var field in new[] { "title", "completed", "order", "deleted", "version", "createdAt" })
                Assert.True(JsonNode.DeepEquals(stored[field], projected[field]), $"{id}.{field}: {stored[field]} then, {projected[field]} now");
            // A deleted todo's position moved into the trash's range with this release; a live one's is unchanged.
            if ((bool)stored["deleted"]!)
                Assert.StartsWith("9|", (string)projected["listPosition"]!);
            else
                Assert.True(JsonNode.DeepEquals(stored["listPosition"], projected["listPosition"]), $"{id}.listPosition: {stored["listPosition"]} then, {projected["listPosition"]} now");
            Assert.Null(projected["dueDate"]);
        }
        foreach (var (id, expected) in Expected)
            Assert.Equal(expected, await store.ReadModel.GetAsync(id, default));
        Assert.Empty(store.Poison.Recorded);
    }

    [Fact]
    public async Task Commands_on_v1_todos_fold_the_events_instead_of_the_fold_1_snapshot_and_write_TodoCreated_alone_at_v2()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        await V1Fixture.LoadEventsAsync(store.Events);

        var dated = await store.Commands.ExecuteAsync(V1Fixture.CreatedCompleted, new UpdateTodo(DueDate: Friday), TodoStoreHarness.NoWait(), default);
        var restored = await store.Commands.ExecuteAsync(V1Fixture.Deleted, new RestoreTodo(), TodoStoreHarness.NoWait(), default);
        var created = await store.CreateAsync("a todo of this release");

        Assert.Equal(Expected[V1Fixture.CreatedCompleted] with { Version = 3, DueDate = Friday }, Assert.IsType<CommandOutcome.Succeeded>(dated).Todo);
        var back = Assert.IsType<CommandOutcome.Succeeded>(restored).Todo;
        Assert.Equal(("walk the dog", true, (int?)1, 4L), (back.Title, back.Completed, back.Order, back.Version));
        // The fold-1 snapshot knew no completion time; this fold's snapshot takes it from the creation event.
        var snapshot = Assert.Single(await store.DocumentsOfAsync(V1Fixture.CreatedCompleted), document => !document.IsEvent);
        Assert.Equal((3L, (int?)EventSchema.Current.FoldVersion), (snapshot.Version, snapshot.FoldVersion));
        Assert.Equal(V1Fixture.CreatedAt(V1Fixture.CreatedCompleted), snapshot.Data.GetProperty("completedAt").GetDateTimeOffset());
        Assert.Equal(
            [(nameof(TodoCreated), 1), (nameof(TodoOrderUpdated), 1), (nameof(TodoDueDateChanged), 1)],
            (await store.Store.ReadStreamAsync(V1Fixture.CreatedCompleted, default)).Select(recorded => (recorded.Type, recorded.SchemaVersion)));
        Assert.Equal((nameof(TodoCreated), 2), (await store.Store.ReadStreamAsync(created, default)).Select(recorded => (recorded.Type, recorded.SchemaVersion)).Single());
    }

    [Fact]
    public async Task A_rebuild_over_the_v1_events_gives_the_todos_they_were()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, pointerCacheDuration: TimeSpan.Zero);
        await V1Fixture.LoadEventsAsync(store.Events);

        var accepted = Assert.IsType<RebuildRequestOutcome.Accepted>(await store.Admin.RequestRebuildAsync(default));
        await store.Admin.RunRebuildAsync(accepted.RequestId, default);

        foreach (var (id, expected) in Expected)
            Assert.Equal(expected, await store.ReadModel.GetAsync(id, default));
        Assert.Null(await store.ReadModel.GetAsync(V1Fixture.Deleted, default));
        Assert.Empty(await store.Admin.ListParkedAsync(default));
    }

    private static async Task<JsonObject?> ReadRawAsync(Container container, string id)
    {
        using var response = await container.ReadItemStreamAsync(id, new PartitionKey(id));
        return response.IsSuccessStatusCode ? (await JsonNode.ParseAsync(response.Content))!.AsObject() : null;
    }
}
