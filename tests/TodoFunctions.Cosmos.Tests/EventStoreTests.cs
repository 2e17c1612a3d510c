using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

public sealed class EventStoreTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task An_update_of_three_fields_appends_three_events_at_consecutive_versions_after_the_creation()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");

        var outcome = await store.Commands.ExecuteAsync(id, new UpdateTodo("feed the cat", true, 4), TodoStoreHarness.NoWait(), default);

        Assert.Equal(4, Assert.IsType<CommandOutcome.Succeeded>(outcome).Todo.Version);
        var stream = await store.Store.ReadStreamAsync(id, default);
        Assert.Equal([1L, 2, 3, 4], stream.Select(e => e.Version));
        Assert.Equal([nameof(TodoCreated), nameof(TodoTitleUpdated), nameof(TodoCompleted), nameof(TodoOrderUpdated)], stream.Select(e => e.Type));
    }

    [Fact]
    public async Task A_batch_that_fails_on_its_third_event_writes_none_of_its_events_and_leaves_the_snapshot_unchanged()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var loaded = await store.Store.LoadAsync(id, default);
        // A stray document at version 4 makes the third create of the batch conflict after the first two succeeded.
        await store.Events.CreateItemAsync(new { id = EventDocument.EventId(id, 4), todoId = id.ToString(), kind = "stray" }, new PartitionKey(id.ToString()));

        var appended = await store.Store.TryAppendAsync(
            loaded, [new TodoTitleUpdated("x"), new TodoCompleted(), new TodoOrderUpdated(1)], new CommandContext("c"), default);

        Assert.Null(appended);
        Assert.Equal([1L], (await store.Store.ReadStreamAsync(id, default)).Select(e => e.Version));
        Assert.Equal(loaded, await store.Store.LoadAsync(id, default));
    }

    [Fact]
    public async Task An_append_from_a_version_the_stream_has_moved_past_writes_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var stale = await store.Store.LoadAsync(id, default);
        Assert.NotNull(await store.Store.TryAppendAsync(stale, [new TodoCompleted()], new CommandContext("winner"), default));

        var appended = await store.Store.TryAppendAsync(stale, [new TodoTitleUpdated("loser"), new TodoOrderUpdated(9)], new CommandContext("loser"), default);

        Assert.Null(appended);
        var stream = await store.Store.ReadStreamAsync(id, default);
        Assert.Equal([nameof(TodoCreated), nameof(TodoCompleted)], stream.Select(e => e.Type));
        Assert.DoesNotContain(stream, e => e.CorrelationId == "loser");
    }

    [Fact]
    public async Task An_append_refused_by_the_guard_because_its_own_command_committed_first_reports_the_append_not_a_lost_race()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var loaded = await store.Store.LoadAsync(id, default);
        var command = new CommandContext("c");
        Assert.NotNull(await store.Store.TryAppendAsync(loaded, [new TodoCompleted()], command, default));

        // As when the SDK retries a batch whose first attempt committed: the guard refuses the command's own write.
        var retried = await store.Store.TryAppendAsync(loaded, [new TodoCompleted()], command, default);

        Assert.Equal((2L, true), (retried!.Version, retried.State!.Completed));
        Assert.Equal([1L, 2], (await store.Store.ReadStreamAsync(id, default)).Select(e => e.Version));
    }

    [Fact]
    public async Task Creating_a_stream_that_already_exists_writes_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("first");

        var appended = await store.Store.TryAppendAsync(TodoStream.Unwritten(id), [new TodoCreated("second", false, null)], new CommandContext("again"), default);

        Assert.Null(appended);
        Assert.Equal("first", (await store.Store.LoadAsync(id, default)).State!.Title);
    }

    [Fact]
    public async Task Of_many_writers_appending_from_the_same_version_exactly_one_wins()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("contested");
        var loaded = await store.Store.LoadAsync(id, default);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(writer =>
            store.Store.TryAppendAsync(loaded, [new TodoTitleUpdated($"writer {writer}")], new CommandContext($"writer {writer}"), default)));

        var winner = Assert.Single(results, result => result is not null);
        var stream = await store.Store.ReadStreamAsync(id, default);
        Assert.Equal([1L, 2], stream.Select(e => e.Version));
        Assert.Equal(winner!.State!.Title, (await store.Store.LoadAsync(id, default)).State!.Title);
    }

    [Fact]
    public async Task Writers_that_reload_after_losing_fill_every_version_exactly_once_without_gaps()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("contested");
        const int writers = 12;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(async writer =>
        {
            while (await store.Store.TryAppendAsync(
                       await store.Store.LoadAsync(id, default), [new TodoTitleUpdated($"writer {writer}")], new CommandContext($"writer {writer}"), default) is null)
            {
            }
        }));

        var stream = await store.Store.ReadStreamAsync(id, default);
        Assert.Equal(Enumerable.Range(1, writers + 1).Select(version => (long)version), stream.Select(e => e.Version));
        Assert.Equal(
            Enumerable.Range(0, writers).Select(writer => $"writer {writer}").Order(),
            stream.Skip(1).Select(e => e.CorrelationId).Order());
        Assert.Equal(writers + 1, (await store.Store.LoadAsync(id, default)).Version);
    }

    [Fact]
    public async Task A_stream_reads_back_in_version_order_with_type_schema_data_timestamp_and_correlation_id_also_after_deletion()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var before = DateTimeOffset.UtcNow;
        var id = await store.CreateAsync("walk the dog", order: 2);
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "walk the cat"), new CommandContext("rename", WaitForReadModel: false), default);
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Order: new Optional<int?>(null)), new CommandContext("unorder", WaitForReadModel: false), default);
        await store.Commands.ExecuteAsync(id, new DeleteTodo(), new CommandContext("remove", WaitForReadModel: false), default);

        var stream = await store.Store.ReadStreamAsync(id, default);

        Assert.Equal([1L, 2, 3, 4], stream.Select(e => e.Version));
        Assert.Equal([nameof(TodoCreated), nameof(TodoTitleUpdated), nameof(TodoOrderUpdated), nameof(TodoDeleted)], stream.Select(e => e.Type));
        Assert.Equal(["create", "rename", "unorder", "remove"], stream.Select(e => e.CorrelationId));
        Assert.All(stream, e => Assert.Equal(id, e.TodoId));
        Assert.Equal([2, 1, 1, 1], stream.Select(e => e.SchemaVersion));
        Assert.All(stream, e => Assert.InRange(e.Timestamp, before, DateTimeOffset.UtcNow));
        Assert.Equal("""{"title":"walk the dog","completed":false,"order":2,"dueDate":null}""", stream[0].Data.GetRawText());
        Assert.Equal("""{"title":"walk the cat"}""", stream[1].Data.GetRawText());
        Assert.Equal("""{"order":null}""", stream[2].Data.GetRawText());
        Assert.Equal("{}", stream[3].Data.GetRawText());
    }

    [Fact]
    public async Task The_stream_of_an_unknown_todo_is_empty()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);

        Assert.Empty(await store.Store.ReadStreamAsync(Guid.NewGuid(), default));
    }

    [Fact]
    public async Task An_event_document_has_the_documented_shape_and_reads_the_same_with_default_System_Text_Json()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var partition = new PartitionKey(id.ToString());

        using var raw = await store.Events.ReadItemStreamAsync(EventDocument.EventId(id, 1), partition);
        using var stored = await JsonDocument.ParseAsync(raw.Content);
        var viaWorkerDefaults = stored.RootElement.Deserialize<EventDocument>()!;
        var viaCosmosClient = (await store.Events.ReadItemAsync<EventDocument>(EventDocument.EventId(id, 1), partition)).Resource;

        var json = stored.RootElement;
        Assert.Equal($"{id}:1", json.GetProperty("id").GetString());
        Assert.Equal(id.ToString(), json.GetProperty("todoId").GetString());
        Assert.Equal("event", json.GetProperty("kind").GetString());
        Assert.Equal(1, json.GetProperty("version").GetInt64());
        Assert.Equal("TodoCreated", json.GetProperty("type").GetString());
        Assert.Equal(2, json.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("walk the dog", json.GetProperty("data").GetProperty("title").GetString());
        Assert.Equal("create", json.GetProperty("correlationId").GetString());
        Assert.True(json.GetProperty("timestamp").TryGetDateTimeOffset(out _));
        foreach (var document in new[] { viaWorkerDefaults, viaCosmosClient })
        {
            Assert.Equal(
                (viaCosmosClient.Id, id, "event", 1L, "TodoCreated", 2, viaCosmosClient.Timestamp, "create"),
                (document.Id, document.TodoId, document.Kind, document.Version, document.Type, document.SchemaVersion, document.Timestamp, document.CorrelationId));
            Assert.Equal(json.GetProperty("data").GetRawText(), document.Data.GetRawText());
        }
    }

    [Fact]
    public async Task The_snapshot_holds_the_folded_state_and_version_and_is_told_apart_from_events()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true, Order: 5), TodoStoreHarness.NoWait(), default);

        var documents = await store.DocumentsOfAsync(id);

        var snapshot = Assert.Single(documents, document => !document.IsEvent);
        Assert.Equal((EventDocument.SnapshotId(id), "snapshot", 3L), (snapshot.Id, snapshot.Kind, snapshot.Version));
        Assert.Equal(3, documents.Count(document => document.IsEvent));
        var loaded = await store.Store.LoadAsync(id, default);
        Assert.Equal(new Todo("walk the dog", Completed: true, Order: 5, IsDeleted: false), loaded.State);
        Assert.Equal(3, loaded.Version);
    }

    [Fact]
    public async Task An_append_throttled_beyond_the_SDK_retries_throws_a_CosmosException_429_with_its_retry_after()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        store.Faults.AnswerBatchesWith = HttpStatusCode.TooManyRequests;

        var thrown = await Assert.ThrowsAnyAsync<CosmosException>(() =>
            store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default));

        Assert.Equal(HttpStatusCode.TooManyRequests, thrown.StatusCode);
        Assert.Equal(BatchFaults.RetryAfter, thrown.RetryAfter);
        Assert.Single(await store.Store.ReadStreamAsync(id, default));
    }
}
