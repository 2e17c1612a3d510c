using System.Text.RegularExpressions;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Domain;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>Round trips and request charge per operation, counted at the SDK's request pipeline (write side without waiting).</summary>
public sealed partial class CostTests(CosmosEndpoint endpoint, ITestOutputHelper output) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task A_create_is_one_batch_an_update_or_delete_is_one_snapshot_read_and_one_batch_and_a_get_is_one_point_read()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        await store.CreateAsync("warm up", waitForReadModel: true);
        await store.ReadModel.ListAsync(default);

        var (create, created) = await MeasureAsync(store, () => store.Commands.CreateAsync(new CreateTodo("walk the dog"), TodoStoreHarness.NoWait(), default));
        var id = Assert.IsType<CommandOutcome.Succeeded>(created).Todo.Id;
        var (update, _) = await MeasureAsync(store, () => store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "x", Completed: true), TodoStoreHarness.NoWait(), default));
        var (noChange, _) = await MeasureAsync(store, () => store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default));
        var (get, _) = await MeasureAsync(store, () => store.ReadModel.GetAsync(id, default));
        var (list, _) = await MeasureAsync(store, () => store.ReadModel.ListAsync(default));
        var (events, _) = await MeasureAsync(store, () => store.Store.ReadStreamAsync(id, default));
        var (delete, _) = await MeasureAsync(store, () => store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default));
        var (createAndWait, _) = await MeasureAsync(store, () => store.Commands.CreateAsync(new CreateTodo("walk the dog"), new CommandContext("c"), default));

        Report("create", create);
        Report("update (2 fields)", update);
        Report("update, nothing changes", noChange);
        Report("delete", delete);
        Report("get", get);
        Report("list", list);
        Report("events of a todo", events);
        Report("create, waiting for the read model", createAndWait);
        Assert.Equal(1, create.RoundTrips);
        Assert.Equal(2, update.RoundTrips);
        Assert.Equal(1, noChange.RoundTrips);
        Assert.Equal(2, delete.RoundTrips);
        Assert.Equal(1, get.RoundTrips);
    }

    [Fact]
    public async Task An_idempotency_key_adds_one_marker_write_to_a_patch_and_a_replay_is_a_refused_create_and_one_point_read()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var path = $"/api/todos/{id}";
        var key = new IdempotencyKey("PATCH", path, Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("PATCH", path, "{\"title\":\"x\"}"u8));
        var noChangeKey = new IdempotencyKey("PATCH", path, Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("PATCH", path, "{\"title\":\"x\"}"u8));

        var (unkeyed, _) = await MeasureAsync(store, () => store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "y"), TodoStoreHarness.NoWait(), default));
        var (keyed, _) = await MeasureAsync(store, () => store.Idempotent.ExecuteAsync(key, id, new UpdateTodo(Title: "x"), TodoStoreHarness.NoWait(), default));
        var (replay, _) = await MeasureAsync(store, () => store.Idempotent.ExecuteAsync(key, id, new UpdateTodo(Title: "x"), TodoStoreHarness.NoWait(), default));
        var (keyedNoChange, _) = await MeasureAsync(store, () => store.Idempotent.ExecuteAsync(noChangeKey, id, new UpdateTodo(Title: "x"), TodoStoreHarness.NoWait(), default));

        Report("patch", unkeyed);
        Report("patch with Idempotency-Key", keyed);
        Report("replay of that patch", replay);
        Report("keyed patch, nothing changes", keyedNoChange);
        Assert.Equal((2, 3, 2, 3), (unkeyed.RoundTrips, keyed.RoundTrips, replay.RoundTrips, keyedNoChange.RoundTrips));
    }

    [Fact]
    public async Task An_idempotency_key_adds_a_marker_write_and_its_completion_to_a_delete_all_of_ten_todos()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var key = new IdempotencyKey("DELETE", "/api/todos", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("DELETE", "/api/todos", []));

        for (var i = 0; i < 10; i++) await store.CreateAsync($"todo {i}");
        var (unkeyed, _) = await MeasureAsync(store, () => store.Commands.DeleteAllAsync(TodoStoreHarness.NoWait(), default));
        for (var i = 0; i < 10; i++) await store.CreateAsync($"todo {i}");
        var (keyed, deleted) = await MeasureAsync(store, () => store.Idempotent.DeleteAllAsync(key, TodoStoreHarness.NoWait(), default));

        Report("delete-all of 10 todos", unkeyed);
        Report("delete-all of 10 todos with Idempotency-Key", keyed);
        Assert.Equal(10, deleted.Outcome.Deleted);
        Assert.Equal(unkeyed.RoundTrips + 2, keyed.RoundTrips);
    }

    [Fact]
    public async Task A_resumed_keyed_delete_all_asks_each_todo_it_deletes_one_query_more_than_a_first_attempt()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var first = DeleteAllKey();
        var resumedKey = DeleteAllKey();

        for (var i = 0; i < 10; i++) await store.CreateAsync($"todo {i}");
        var (firstAttempt, _) = await MeasureAsync(store, () => store.Idempotent.DeleteAllAsync(first, TodoStoreHarness.NoWait(), default));
        for (var i = 0; i < 10; i++) await store.CreateAsync($"todo {i}");
        await store.IdempotencyRecords.InterruptAsync((await store.IdempotencyRecords.BeginAsync(resumedKey, resumedKey.DerivedId, default)).Claim!);
        var (resumed, deleted) = await MeasureAsync(store, () => store.Idempotent.DeleteAllAsync(resumedKey, TodoStoreHarness.NoWait(), default));

        Report("keyed delete-all of 10 todos", firstAttempt);
        Report("the same, resumed", resumed);
        Assert.Equal(10, deleted.Outcome.Deleted);
        // The takeover of the interrupted marker adds its refused create and a read of the record; then one query per todo.
        Assert.Equal(firstAttempt.RoundTrips + 2 + 10, resumed.RoundTrips);
    }

    [Fact]
    public async Task Loading_a_todo_for_a_command_costs_the_same_on_a_200_event_stream_as_on_a_1_event_stream()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var shortStream = await store.CreateAsync("short");
        var longStream = await store.CreateAsync("long");
        var stream = await store.Store.LoadAsync(longStream, default);
        for (var i = 0; stream.Version < 200; i++)
            stream = (await store.Store.TryAppendAsync(stream, [i % 2 == 0 ? new TodoCompleted() : new TodoUncompleted()], new CommandContext("grow"), default))!;

        var (onShort, _) = await MeasureAsync(store, () => store.Commands.ExecuteAsync(shortStream, new UpdateTodo(Title: "renamed"), TodoStoreHarness.NoWait(), default));
        var (onLong, _) = await MeasureAsync(store, () => store.Commands.ExecuteAsync(longStream, new UpdateTodo(Title: "renamed"), TodoStoreHarness.NoWait(), default));

        Report("update on a 1-event stream", onShort);
        Report("update on a 200-event stream", onLong);
        Assert.Equal(201, (await store.Store.LoadAsync(longStream, default)).Version);
        Assert.Equal(onShort.Requests.Select(Operation), onLong.Requests.Select(Operation));
        Assert.Equal(onShort.RequestCharge, onLong.RequestCharge);
    }

    [Fact]
    public async Task Projecting_one_command_costs_one_point_read_and_one_write_of_the_read_document_whatever_its_event_count()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(id), default);
        await store.Commands.ExecuteAsync(id, new UpdateTodo("feed the cat", true, 3), TodoStoreHarness.NoWait(), default);
        // The change feed delivers the update's documents alone; a delivery from the first event would be a create (ProjectionWithoutReadTests).
        var batch = (await store.DocumentsOfAsync(id)).Where(document => document.Version > 1).ToList();

        var (projection, _) = await MeasureAsync(store, async () =>
        {
            await store.Projector.ProjectAsync(batch, default);
            return true;
        });
        var (replay, _) = await MeasureAsync(store, async () =>
        {
            await store.Projector.ProjectAsync(batch, default);
            return true;
        });

        Report("project an update of 3 fields", projection);
        Report("project it again (replay)", replay);
        Assert.Equal(["GET", "PUT"], projection.Requests.Select(request => request.Split(' ')[0]));
        Assert.Equal(["GET"], replay.Requests.Select(request => request.Split(' ')[0]));
    }

    private static async Task<(RequestLog.Tally Tally, T Result)> MeasureAsync<T>(TodoStoreHarness store, Func<Task<T>> operation)
    {
        var tally = store.Requests.Measure();
        return (tally, await operation());
    }

    private static IdempotencyKey DeleteAllKey() =>
        new("DELETE", "/api/todos", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf("DELETE", "/api/todos", []));

    /// <summary>The request without the todo's id in its address.</summary>
    private static string Operation(string request) => TodoId().Replace(request, "{todoId}");

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex TodoId();

    private void Report(string operation, RequestLog.Tally tally) =>
        output.WriteLine($"{operation,-30} {tally.RoundTrips} round trip(s), {tally.RequestCharge:0.##} RU: {string.Join(", ", tally.Requests)}");
}
