using System.Text;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// Change-feed documents whose envelope does not deserialize: each is read on its own, so it parks only its own todo
/// (or, naming no readable todo, is dead-lettered alone) while the rest of its lease projects on.
/// </summary>
public sealed class UnreadableDocumentTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    [Theory]
    [InlineData("\"two\"", "\"2026-12-01T00:00:00Z\"")]
    [InlineData("2", "\"yesterday\"")]
    public async Task A_malformed_event_document_parks_its_todo_while_the_later_events_of_its_lease_are_projected(string version, string timestamp)
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var broken = await store.CreateAsync("walk the dog", waitForReadModel: true);
        var other = await store.CreateAsync("feed the cat", waitForReadModel: true);

        await store.AppendRawEventAsync(broken, 2, $$"""
            {"id":"{{EventDocument.EventId(broken, 2)}}","todoId":"{{broken}}","kind":"event","version":{{version}},"type":"TodoCompleted",
             "schemaVersion":1,"data":{},"timestamp":{{timestamp}},"correlationId":"operator"}
            """);
        await store.Commands.ExecuteAsync(broken, new UpdateTodo(Title: "walk the dog twice"), TodoStoreHarness.NoWait(), default);
        await store.Commands.ExecuteAsync(other, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        await TodoStoreHarness.EventuallyAsync(async () =>
            (await store.Admin.ListParkedAsync(default)).Count > 0 && (await store.ReadModel.GetAsync(other, default))!.Completed);

        var parked = Assert.Single(await store.Admin.ListParkedAsync(default));
        Assert.Equal((broken, 2L, "TodoCompleted"), (parked.TodoId, parked.ParkedAtVersion, parked.EventType));
        Assert.Contains("unreadable event document", parked.Error);
        var shown = await store.ReadModel.GetAsync(broken, default);
        Assert.Equal(("walk the dog", 1L, (long?)2), (shown!.Title, shown.Version, shown.ParkedAtVersion));
        Assert.Equal(await store.FoldAsync(other), await store.ReadModel.GetAsync(other, default));
        var dead = Assert.Single(store.Poison.Recorded);
        Assert.Equal((broken, 2L), (dead.TodoId, dead.Version));
        Assert.Equal(EventDocument.EventId(broken, 2), dead.Event.GetProperty("id").GetString());
        Assert.Empty(store.Poison.Unreadable);

        // An operator's retry reads the same damaged log: it keeps the todo parked there, not folds past it.
        Assert.IsType<RetryParkedOutcome.StillFailing>(await store.Admin.RetryParkedAsync(broken, default));
        Assert.Equal(((long?)2, 1L), await store.ReadModel.GetAsync(broken, default) is { } still ? (still.ParkedAtVersion, still.Version) : default);
    }

    [Fact]
    public async Task A_change_feed_document_without_a_readable_todo_id_is_dead_lettered_alone_and_parks_nothing()
    {
        const string kind = "event", type = "TodoCreated";
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var other = await store.CreateAsync("feed the cat", waitForReadModel: true);

        var orphan = $$"""{"id":"oops:1","todoId":"oops","kind":"{{kind}}","version":1,"type":"{{type}}","schemaVersion":1,"data":{"title":"?"},"timestamp":"2026-12-01T00:00:00Z","correlationId":"operator"}""";
        await store.Events.CreateItemStreamAsync(new MemoryStream(Encoding.UTF8.GetBytes(orphan)), new PartitionKey("oops"));
        await store.Commands.ExecuteAsync(other, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        await TodoStoreHarness.EventuallyAsync(async () =>
            store.Poison.Unreadable.Count > 0 && (await store.ReadModel.GetAsync(other, default))!.Completed);

        var dead = Assert.Single(store.Poison.Unreadable);
        Assert.Equal("oops", dead.Document.GetProperty("todoId").GetString());
        Assert.Contains("todoId", dead.Error);
        Assert.Empty(store.Poison.Recorded);
        Assert.Empty(await store.Admin.ListParkedAsync(default));
        Assert.Equal(await store.FoldAsync(other), await store.ReadModel.GetAsync(other, default));
    }
    [Fact]
    public async Task A_rebuild_over_a_log_with_unreadable_documents_parks_their_todo_in_the_new_container_and_rebuilds_the_rest()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true, pointerCacheDuration: TimeSpan.FromMilliseconds(200));
        var broken = await store.CreateAsync("walk the dog", waitForReadModel: true);
        var healthy = await store.CreateAsync("feed the cat", waitForReadModel: true);
        await store.AppendRawEventAsync(broken, 2, $$"""
            {"id":"{{EventDocument.EventId(broken, 2)}}","todoId":"{{broken}}","kind":"event","version":"two","type":"TodoCompleted",
             "schemaVersion":1,"data":{},"timestamp":"2026-12-01T00:00:00Z","correlationId":"operator"}
            """);
        const string orphan = """{"id":"oops:1","todoId":"oops","kind":"event","version":1,"type":"TodoCreated","schemaVersion":1,"data":{"title":"?"},"timestamp":"2026-12-01T00:00:00Z","correlationId":"operator"}""";
        await store.Events.CreateItemStreamAsync(new MemoryStream(Encoding.UTF8.GetBytes(orphan)), new PartitionKey("oops"));
        await TodoStoreHarness.EventuallyAsync(async () => (await store.Admin.ListParkedAsync(default)).Count > 0 && store.Poison.Unreadable.Count > 0);

        var accepted = Assert.IsType<RebuildRequestOutcome.Accepted>(await store.Admin.RequestRebuildAsync(default));
        await store.Admin.RunRebuildAsync(accepted.RequestId, default);

        Assert.Equal(TodoStoreLayout.AlternateReadModelContainer, (await store.Admin.GetStatusAsync(default)).LiveContainer);
        // The rebuild replays the statistics too, which park the todo in the new container as well.
        var parked = await store.Admin.ListParkedAsync(default);
        Assert.Equal([ProjectionNames.Statistics, ProjectionNames.Todos], parked.Select(todo => todo.Projection).Order());
        Assert.All(parked, todo => Assert.Equal((broken, 2L), (todo.TodoId, todo.ParkedAtVersion)));
        Assert.Equal(await store.FoldAsync(healthy), await store.ReadModel.GetAsync(healthy, default));
        Assert.Single(store.Poison.Recorded, poison => poison.Projection == ProjectionNames.Todos);
        Assert.Single(store.Poison.Unreadable);
    }
    [Theory]
    [InlineData("kind")]
    [InlineData("todoId")]
    [InlineData("type")]
    public void A_document_with_an_escaped_lone_surrogate_in_its_envelope_is_unreadable_not_a_failed_batch(string property)
    {
        // The emulator stores such an escape as text, so this is read straight from the JSON the feed would carry.
        var fields = new Dictionary<string, string>
        {
            ["kind"] = "\"event\"", ["todoId"] = $"\"{Guid.NewGuid()}\"", ["type"] = "\"TodoCompleted\"",
        };
        fields[property] = "\"\\uD800\"";
        using var document = System.Text.Json.JsonDocument.Parse(
            $$"""{"id":"x:2","todoId":{{fields["todoId"]}},"kind":{{fields["kind"]}},"version":2,"type":{{fields["type"]}},"schemaVersion":1,"data":{},"timestamp":"2026-12-01T00:00:00Z","correlationId":"c"}""");

        var (todos, withoutTodo) = DeliveredChanges.Read([document.RootElement]);

        var unreadable = Assert.Single(todos.Select(todo => todo.Delivery.Unreadable).Concat(withoutTodo));
        Assert.NotNull(unreadable);
    }
}
