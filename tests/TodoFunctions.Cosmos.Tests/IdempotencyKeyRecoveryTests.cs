using System.Net;
using System.Collections.Concurrent;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// Idempotency-Key when an attempt fails part-way, is taken over, or loses its marker: a keyed delete-all deletes
/// the same set however often it is retried, and a keyed write never answers 500 or a false "stored nothing".
/// </summary>
public sealed class IdempotencyKeyRecoveryTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IDisposable
{
    [EmbeddedEmulatorFact]
    public async Task A_keyed_delete_all_whose_completion_failed_is_resumed_by_its_retry_and_spares_todos_created_since()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        await store.CreateAsync("one");
        await store.CreateAsync("two");
        var key = NewDeleteAllKey();
        FailRecordWrites(key, FaultOperation.Replace, next: 1);

        await Assert.ThrowsAnyAsync<CosmosException>(() => store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default));
        endpoint.Emulator!.Faults.Clear();
        var later = await store.CreateAsync("three");
        var retry = await store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default);

        Assert.Equal((0, false), (retry.Outcome.Deleted, retry.Replayed));
        Assert.NotNull(await store.FoldAsync(later));
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_delete_all_that_deleted_only_some_is_resumed_by_its_retry_under_the_first_cutoff()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        await store.CreateAsync("one");
        var stuck = await store.CreateAsync("two");
        var key = NewDeleteAllKey();
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 9,
            Rules = [new FaultRule { Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, PartitionKey = new JValue(stuck.ToString()), Outcome = FaultOutcome.Throttle }],
        });

        var failed = await Assert.ThrowsAsync<DeleteAllIncompleteException>(() => store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default));
        endpoint.Emulator.Faults.Clear();
        var later = await store.CreateAsync("three");
        var retry = await store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default);

        Assert.Equal((1, 1), (failed.Deleted, retry.Outcome.Deleted));
        Assert.Null(await store.FoldAsync(stuck));
        Assert.NotNull(await store.FoldAsync(later));
    }

    [EmbeddedEmulatorTheory]
    [InlineData(FaultOutcome.ServiceUnavailable)]
    [InlineData(FaultOutcome.Timeout)]
    public async Task A_resumed_keyed_delete_all_leaves_alone_a_todo_its_interrupted_attempt_deleted_and_someone_restored_since(FaultOutcome failure)
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var restored = await store.CreateAsync("one");
        var stuck = await store.CreateAsync("two");
        var key = NewDeleteAllKey();
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 9,
            Rules = [new FaultRule { Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, PartitionKey = new JValue(stuck.ToString()), Outcome = failure }],
        });

        var interrupted = await Assert.ThrowsAsync<DeleteAllIncompleteException>(() => store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default));
        endpoint.Emulator.Faults.Clear();
        Assert.IsType<CommandOutcome.Succeeded>(await store.Commands.ExecuteAsync(restored, new RestoreTodo(), TodoStoreHarness.NoWait("someone else"), default));
        var retry = await store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default);

        Assert.Equal((1, 1, false), (interrupted.Deleted, retry.Outcome.Deleted, retry.Replayed));
        Assert.NotNull(await store.FoldAsync(restored));
        Assert.Null(await store.FoldAsync(stuck));
        Assert.Single(await DeletesUnderAsync(store, key, restored));
        Assert.Single(await DeletesUnderAsync(store, key, stuck));
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_delete_all_taken_over_while_it_runs_answers_what_it_deleted_and_the_two_delete_each_todo_once()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, settings: new Dictionary<string, string?>
        {
            ["TodoStore:IdempotencyTakeoverTimeout"] = "00:00:00",
        });
        for (var i = 0; i < 6; i++) await store.CreateAsync($"todo {i}");
        var key = NewDeleteAllKey();
        HoldBatches(milliseconds: 300);

        var slow = store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default);
        await TodoStoreHarness.EventuallyAsync(async () => await RecordOfAsync(store, key) is not null);
        var takeover = await store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default);
        var taken = await slow;

        Assert.Equal(6, taken.Outcome.Deleted + takeover.Outcome.Deleted);
        Assert.False(taken.Replayed);
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_write_whose_marker_was_deleted_under_it_is_refused_as_taken_over_and_appends_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var key = PatchKey(id, "{\"completed\":true}");
        HoldBatches(milliseconds: 1000);

        var patch = store.Idempotent.ExecuteAsync(key, id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        await TodoStoreHarness.EventuallyAsync(async () => await RecordOfAsync(store, key, id) is not null);
        await store.Events.DeleteItemAsync<object>(key.RecordId, new PartitionKey(id.ToString()));

        await Assert.ThrowsAsync<IdempotencyKeyTakenOverException>(() => patch);
        Assert.Single(await store.Store.ReadStreamAsync(id, default));
    }

    [EmbeddedEmulatorFact]
    public async Task A_record_completed_by_this_attempts_own_batch_is_read_as_its_commit_not_as_a_takeover()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var key = PatchKey(id, "{\"completed\":true}");
        var claim = (await store.IdempotencyRecords.BeginAsync(key, id, default)).Claim!;
        var stream = await store.Store.LoadAsync(id, default);
        await store.Store.TryAppendAsync(stream, [new TodoCompleted()], TodoStoreHarness.NoWait() with { CommandId = claim.Marker.CommandId, Idempotency = claim }, default);
        var other = (await store.IdempotencyRecords.BeginAsync(PatchKey(id, "{}"), id, default)).Claim!;

        Assert.Equal(KeyStanding.CompletedByThisAttempt, await IdempotencyRecords.StandingAsync(store.Events, claim, default));
        Assert.Equal(KeyStanding.Held, await IdempotencyRecords.StandingAsync(store.Events, other, default));
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_request_whose_marker_create_lost_its_answer_adopts_its_own_marker_and_runs()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        await store.CreateAsync("one");
        var key = NewDeleteAllKey();
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 9,
            Rules =
            [
                new FaultRule
                {
                    Operations = [FaultOperation.Create], Container = TodoStoreLayout.EventsContainer, PartitionKey = new JValue(key.DerivedId.ToString()),
                    Next = 1, Outcome = FaultOutcome.TimeoutAfterApply,
                },
            ],
        });

        var first = await store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default);

        Assert.Contains(endpoint.Emulator.Faults.Injected, injected => injected.Kind == FaultOutcome.TimeoutAfterApply);
        Assert.Equal((1, false), (first.Outcome.Deleted, first.Replayed));
    }

    [EmbeddedEmulatorFact]
    public async Task A_repeat_of_an_in_flight_key_is_told_to_come_back_when_the_marker_can_be_taken_over()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, settings: new Dictionary<string, string?>
        {
            ["TodoStore:IdempotencyTakeoverTimeout"] = "00:00:30",
        });
        var key = NewDeleteAllKey();
        await store.IdempotencyRecords.BeginAsync(key, key.DerivedId, default);

        var inFlight = await Assert.ThrowsAsync<IdempotencyKeyInFlightException>(() => store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default));

        Assert.InRange(inFlight.UntilTakeover, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
    }

    [EmbeddedEmulatorFact]
    public async Task An_app_that_does_not_create_its_containers_warns_at_start_when_key_records_would_never_expire()
    {
        var databaseName = endpoint.UniqueName("todos");
        using var client = endpoint.CreateClient();
        Database database = await client.CreateDatabaseAsync(databaseName);
        await database.CreateContainerAsync(TodoStoreLayout.EventsContainer, TodoStoreLayout.EventsPartitionKeyPath);
        var logger = new RecordingLogger<TodoStoreInitializer>();
        var initializer = new TodoStoreInitializer(client, Options.Create(new TodoStoreOptions { DatabaseName = databaseName }), logger);

        await initializer.StartAsync(default);
        await TodoStoreHarness.EventuallyAsync(() => Task.FromResult(!logger.Entries.IsEmpty));
        await database.DeleteAsync();

        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("never expire", message);
    }

    public void Dispose() => endpoint.Emulator?.Faults.Clear();

    private static IdempotencyKey PatchKey(Guid todoId, string body) =>
        new("PATCH", $"/api/todos/{todoId}", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("PATCH", $"/api/todos/{todoId}", System.Text.Encoding.UTF8.GetBytes(body)));

    private static IdempotencyKey NewDeleteAllKey() =>
        new("DELETE", "/api/todos", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("DELETE", "/api/todos", []));

    /// <summary>The todo's <c>TodoDeleted</c> events appended by any attempt at the key.</summary>
    private static async Task<List<EventDocument>> DeletesUnderAsync(TodoStoreHarness store, IdempotencyKey key, Guid todoId) =>
        [.. (await store.DocumentsOfAsync(todoId)).Where(d => d.IsEvent && d.Type == nameof(TodoDeleted) && d.CommandId?.StartsWith($"{key.RecordId}:", StringComparison.Ordinal) == true)];

    private void FailRecordWrites(IdempotencyKey key, FaultOperation operation, int next) => endpoint.Emulator!.Faults.Install(new FaultPlan
    {
        Seed = 9,
        Rules =
        [
            new FaultRule
            {
                Operations = [operation], Container = TodoStoreLayout.EventsContainer, PartitionKey = new JValue(key.DerivedId.ToString()),
                Next = next, Outcome = FaultOutcome.ServiceUnavailable,
            },
        ],
    });

    private void HoldBatches(int milliseconds) => endpoint.Emulator!.Faults.Install(new FaultPlan
    {
        Seed = 9,
        Rules = [new FaultRule { Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, Outcome = FaultOutcome.Latency, LatencyMs = milliseconds }],
    });

    private static async Task<string?> RecordOfAsync(TodoStoreHarness store, IdempotencyKey key, Guid? partition = null)
    {
        using var response = await store.Events.ReadItemStreamAsync(key.RecordId, new PartitionKey((partition ?? key.DerivedId).ToString()));
        return response.StatusCode == HttpStatusCode.NotFound ? null : key.RecordId;
    }
}

/// <summary>A logger that keeps what was logged, below the level tested (the start-up check).</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));
}
