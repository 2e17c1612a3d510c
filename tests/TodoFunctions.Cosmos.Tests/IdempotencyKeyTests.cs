using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// Idempotency-Key at the store: a keyed command runs at most once, a repeat gets the stored outcome, and the key's
/// record shares the append's transactional batch. Faults come from the emulator's fault plan, cleared after each test.
/// </summary>
public sealed class IdempotencyKeyTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IDisposable
{
    [EmbeddedEmulatorFact]
    public async Task A_repeated_keyed_update_answers_the_stored_outcome_and_appends_nothing_more()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var key = KeyFor("PATCH", id, "{\"completed\":true}");

        var first = await store.Idempotent.ExecuteAsync(key, id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        var repeat = await store.Idempotent.ExecuteAsync(key, id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);

        Assert.False(first.Replayed);
        Assert.True(repeat.Replayed);
        var stored = Assert.IsType<CommandOutcome.Succeeded>(repeat.Outcome).Todo;
        Assert.Equal(Assert.IsType<CommandOutcome.Succeeded>(first.Outcome).Todo, stored);
        Assert.Equal(2, (await store.Store.ReadStreamAsync(id, default)).Count);
        var record = await RecordAsync(store, key, id);
        Assert.Equal(IdempotencyRecord.Completed, record!.State);
        Assert.Equal(record.CommandId, (await store.DocumentsOfAsync(id)).Single(document => document.Id == EventDocument.EventId(id, 2)).CommandId);
    }

    [EmbeddedEmulatorFact]
    public async Task The_same_key_with_another_body_is_a_mismatch_and_changes_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var key = KeyFor("PATCH", id, "{\"completed\":true}");
        await store.Idempotent.ExecuteAsync(key, id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        var otherBody = key with { Fingerprint = IdempotencyKey.FingerprintOf("PATCH", key.Path, "{\"title\":\"walk the cat\"}"u8) };

        await Assert.ThrowsAsync<IdempotencyKeyMismatchException>(() =>
            store.Idempotent.ExecuteAsync(otherBody, id, new UpdateTodo(Title: "walk the cat"), TodoStoreHarness.NoWait(), default));

        Assert.Equal("walk the dog", (await store.FoldAsync(id))!.Title);
    }

    [EmbeddedEmulatorFact]
    public async Task A_refusal_is_stored_too_and_a_repeat_answers_it_again()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var unknown = Guid.NewGuid();
        var key = KeyFor("DELETE", unknown, "");

        var first = await store.Idempotent.ExecuteAsync(key, unknown, new DeleteTodo(), TodoStoreHarness.NoWait(), default);
        var repeat = await store.Idempotent.ExecuteAsync(key, unknown, new DeleteTodo(), TodoStoreHarness.NoWait(), default);

        Assert.Equal(RejectionReason.NotFound, Assert.IsType<CommandOutcome.Rejected>(first.Outcome).Reason);
        Assert.True(repeat.Replayed);
        Assert.Equal(first.Outcome, repeat.Outcome);
    }

    [EmbeddedEmulatorFact]
    public async Task A_repeat_while_the_first_request_holds_the_key_is_refused_as_in_flight_and_runs_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var key = KeyFor("PATCH", id, "{\"completed\":true}");
        await store.IdempotencyRecords.BeginAsync(key, id, default);

        await Assert.ThrowsAsync<IdempotencyKeyInFlightException>(() =>
            store.Idempotent.ExecuteAsync(key, id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default));

        Assert.Single(await store.Store.ReadStreamAsync(id, default));
    }

    [EmbeddedEmulatorFact]
    public async Task A_stale_marker_is_taken_over_and_the_attempt_that_held_it_can_no_longer_append()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, settings: new Dictionary<string, string?>
        {
            ["TodoStore:IdempotencyTakeoverTimeout"] = "00:00:00",
        });
        var id = await store.CreateAsync("walk the dog");
        var key = KeyFor("PATCH", id, "{\"completed\":true}");
        var crashed = (await store.IdempotencyRecords.BeginAsync(key, id, default)).Claim!;
        var stream = await store.Store.LoadAsync(id, default);

        var retry = await store.Idempotent.ExecuteAsync(key, id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        var lateAppend = store.Store.TryAppendAsync(
            stream, [new TodoTitleUpdated("walk the cat")], TodoStoreHarness.NoWait() with { CommandId = crashed.Marker.CommandId, Idempotency = crashed }, default);

        Assert.False(retry.Replayed);
        await Assert.ThrowsAsync<IdempotencyKeyTakenOverException>(() => lateAppend);
        Assert.Equal(("walk the dog", true, 2L), await store.FoldAsync(id) is { } todo ? (todo.Title, todo.Completed, todo.Version) : default);
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_create_retried_after_its_answer_was_lost_makes_exactly_one_todo_and_replays_it()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var key = new IdempotencyKey("POST", "/api/todos", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("POST", "/api/todos", "{\"title\":\"walk the dog\"}"u8));
        var claim = (await store.IdempotencyRecords.BeginAsync(key, key.DerivedId, default)).Claim!;
        var unwritten = await store.Store.LoadAsync(key.DerivedId, default);
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 9,
            Rules =
            [
                new FaultRule { Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, Next = 1, Outcome = FaultOutcome.TimeoutAfterApply },
                new FaultRule { Operations = [FaultOperation.Read], Container = TodoStoreLayout.EventsContainer, Outcome = FaultOutcome.ServiceUnavailable },
            ],
        });
        var context = TodoStoreHarness.NoWait() with { CommandId = claim.Marker.CommandId, Idempotency = claim };

        await Assert.ThrowsAsync<WriteOutcomeUnknownException>(() =>
            store.Store.TryAppendAsync(unwritten, [new TodoCreated("walk the dog", false, null)], context, default));
        await store.IdempotencyRecords.ReleaseAsync(claim);
        endpoint.Emulator.Faults.Clear();
        var retry = await store.Idempotent.CreateAsync(key, new CreateTodo("walk the dog"), TodoStoreHarness.NoWait(), default);

        Assert.True(retry.Replayed);
        Assert.Equal(key.DerivedId, Assert.IsType<CommandOutcome.Succeeded>(retry.Outcome).Todo.Id);
        Assert.Single(await store.Store.ReadStreamAsync(key.DerivedId, default));
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_create_whose_answer_was_lost_and_resolved_by_reading_back_stores_its_record_in_the_batch()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var key = new IdempotencyKey("POST", "/api/todos", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("POST", "/api/todos", "{\"title\":\"x\"}"u8));
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 9,
            Rules = [new FaultRule { Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, Next = 1, Outcome = FaultOutcome.TimeoutAfterApply }],
        });

        var first = await store.Idempotent.CreateAsync(key, new CreateTodo("x"), TodoStoreHarness.NoWait(), default);
        endpoint.Emulator.Faults.Clear();
        var repeat = await store.Idempotent.CreateAsync(key, new CreateTodo("x"), TodoStoreHarness.NoWait(), default);

        Assert.Contains(endpoint.Emulator.Faults.Injected, injected => injected.Kind == FaultOutcome.TimeoutAfterApply);
        Assert.Equal((false, true), (first.Replayed, repeat.Replayed));
        Assert.Single(await store.Store.ReadStreamAsync(key.DerivedId, default));
    }

    [EmbeddedEmulatorFact]
    public async Task A_failure_as_unavailable_releases_the_key_so_the_retry_runs_again()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var key = KeyFor("PATCH", id, "{\"completed\":true}");
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 9,
            Rules =
            [
                new FaultRule
                {
                    Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, PartitionKey = new JValue(id.ToString()),
                    Outcome = FaultOutcome.ServiceUnavailable,
                },
            ],
        });

        await Assert.ThrowsAsync<WriteOutcomeUnknownException>(() =>
            store.Idempotent.ExecuteAsync(key, id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default));
        endpoint.Emulator.Faults.Clear();
        var retry = await store.Idempotent.ExecuteAsync(key, id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);

        Assert.False(retry.Replayed);
        Assert.Equal(2, (await store.Store.ReadStreamAsync(id, default)).Count);
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_delete_all_is_replayed_and_does_not_delete_todos_created_since()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        await store.CreateAsync("one");
        await store.CreateAsync("two");
        var key = new IdempotencyKey("DELETE", "/api/todos", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("DELETE", "/api/todos", []));

        var first = await store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default);
        var later = await store.CreateAsync("three");
        var repeat = await store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default);

        Assert.Equal((2, false), (first.Outcome.Deleted, first.Replayed));
        Assert.Equal((2, true), (repeat.Outcome.Deleted, repeat.Replayed));
        Assert.NotNull(await store.FoldAsync(later));
    }

    [EmbeddedEmulatorFact]
    public async Task A_key_expires_through_cosmos_ttl_and_a_create_repeated_after_that_is_refused_by_the_existing_todo()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, settings: new Dictionary<string, string?>
        {
            ["TodoStore:IdempotencyKeyExpiry"] = "00:00:01",
        });
        var key = new IdempotencyKey("POST", "/api/todos", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("POST", "/api/todos", "{\"title\":\"x\"}"u8));
        await store.Idempotent.CreateAsync(key, new CreateTodo("x"), TodoStoreHarness.NoWait(), default);

        await TodoStoreHarness.EventuallyAsync(async () => await RecordAsync(store, key, key.DerivedId) is null);
        var afterExpiry = await store.Idempotent.CreateAsync(key, new CreateTodo("x"), TodoStoreHarness.NoWait(), default);

        Assert.False(afterExpiry.Replayed);
        Assert.Equal(RejectionReason.AlreadyExists, Assert.IsType<CommandOutcome.Rejected>(afterExpiry.Outcome).Reason);
        Assert.Single(await store.Store.ReadStreamAsync(key.DerivedId, default));
    }

    [EmbeddedEmulatorFact]
    public async Task The_projector_skips_key_records_and_projects_the_keyed_writes()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var key = new IdempotencyKey("POST", "/api/todos", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("POST", "/api/todos", "{\"title\":\"x\"}"u8));
        var created = await store.Idempotent.CreateAsync(key, new CreateTodo("x"), new CommandContext("test"), default);

        Assert.True(Assert.IsType<CommandOutcome.Succeeded>(created.Outcome).ReadModelCaughtUp);
        Assert.Equal("x", (await store.ReadModel.GetAsync(key.DerivedId, default))!.Title);
        Assert.Empty(store.Poison.Recorded);
        Assert.Empty(store.Poison.Unreadable);
    }

    [EmbeddedEmulatorFact]
    public async Task The_initializer_turns_on_per_item_ttl_in_an_events_container_created_without_it()
    {
        var databaseName = endpoint.UniqueName("todos");
        using var client = new CosmosClient(endpoint.ConnectionString, new CosmosClientOptions { UseSystemTextJsonSerializerWithOptions = new() });
        Database database = await client.CreateDatabaseAsync(databaseName);
        await database.CreateContainerAsync(TodoStoreLayout.EventsContainer, TodoStoreLayout.EventsPartitionKeyPath);

        await using (await TodoStoreHarness.StartAsync(endpoint, withProjector: false, databaseName: databaseName))
        {
        }

        var properties = (await database.GetContainer(TodoStoreLayout.EventsContainer).ReadContainerAsync()).Resource;
        await database.DeleteAsync();
        Assert.Equal(TodoStoreLayout.EventsDefaultTimeToLive, properties.DefaultTimeToLive);
    }

    public void Dispose() => endpoint.Emulator?.Faults.Clear();

    private static IdempotencyKey KeyFor(string method, Guid todoId, string body) =>
        new(method, $"/api/todos/{todoId}", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf(method, $"/api/todos/{todoId}", System.Text.Encoding.UTF8.GetBytes(body)));

    private static async Task<IdempotencyRecord?> RecordAsync(TodoStoreHarness store, IdempotencyKey key, Guid partition)
    {
        using var response = await store.Events.ReadItemStreamAsync(key.RecordId, new PartitionKey(partition.ToString()));
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return await System.Text.Json.JsonSerializer.DeserializeAsync<IdempotencyRecord>(response.Content, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
    }
}
