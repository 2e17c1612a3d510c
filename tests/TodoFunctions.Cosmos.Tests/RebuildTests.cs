using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>Rebuilding the read model from the log into the other read container while the live one serves, then switching.</summary>
public sealed class RebuildTests(CosmosEndpoint endpoint, ITestOutputHelper output) : IClassFixture<CosmosEndpoint>
{
    private static readonly TimeSpan PointerCache = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task A_rebuild_under_load_resumed_after_an_interruption_switches_to_the_fold_of_every_stream_and_no_list_misses_a_live_todo()
    {
        await using var app = await StartAsync(withProjector: true);
        // Two more instances, each with its own cached pointer: one runs the rebuild, the other only reads.
        await using var runner = await StartAsync(withProjector: false, app.DatabaseName);
        await using var reader = await StartAsync(withProjector: false, app.DatabaseName);
        var seeded = await SeedAsync(app, todos: 500, updatesPerTodo: 5);
        var live = new ConcurrentDictionary<Guid, bool>(seeded.Select(id => KeyValuePair.Create(id, true)));

        var accepted = Assert.IsType<RebuildRequestOutcome.Accepted>(await app.Admin.RequestRebuildAsync(default));
        var refused = Assert.IsType<RebuildRequestOutcome.AlreadyRunning>(await reader.Admin.RequestRebuildAsync(default));
        using var stop = new CancellationTokenSource();
        var commands = Task.WhenAll(Enumerable.Range(0, 3).Select(worker => RunCommandsAsync(app, live, seeded, new Random(worker), stop.Token)));
        var lists = Task.WhenAll(ListContinuouslyAsync(reader, live, stop.Token), ListContinuouslyAsync(app, live, stop.Token));
        var statuses = WatchStatusAsync(reader, stop.Token);
        var interrupted = await InterruptOnFirstSavedProgressAsync(runner, reader, accepted.RequestId);
        await runner.Admin.RunRebuildAsync(accepted.RequestId, default);
        await Task.Delay(4 * PointerCache);
        stop.Cancel();
        var listed = await lists;
        var touched = (await commands).SelectMany(ids => ids).Concat(seeded).Distinct().ToList();
        var seen = await statuses;

        Assert.Equal(accepted.RequestId, refused.Progress.RequestId);
        Assert.Contains(interrupted.State, new[] { RebuildProgress.Replaying, RebuildProgress.CatchingUp });
        Assert.Empty(listed.SelectMany(lister => lister.Missed));
        Assert.All(listed, lister => Assert.NotEqual(0, lister.Taken));
        Assert.Contains(seen, status => status is { State: RebuildProgress.CatchingUp, EventsProcessed: >= 3000, Position: not null });
        Assert.Equal(new ProjectionStatus(2, TodoStoreLayout.AlternateReadModelContainer, TodoStoreLayout.ReadModelContainer, null), await reader.Admin.GetStatusAsync(default));
        await WaitUntilProjectedAsync(app, touched);
        foreach (var id in touched)
        {
            var folded = await app.FoldAsync(id);
            Assert.Equal(folded, await reader.ReadModel.GetAsync(id, default));
            Assert.Equal(folded, await app.ReadModel.GetAsync(id, default));
        }
    }

    [Fact]
    public async Task A_rebuild_replaces_documents_that_disagree_with_the_log_and_the_next_rebuild_reuses_the_container_it_replaced()
    {
        await using var store = await StartAsync(withProjector: true);
        var ids = await SeedAsync(store, todos: 5, updatesPerTodo: 2);
        await CorruptAsync(store.ReadContainer, ids[0]);

        await RebuildAsync(store);
        Assert.Equal(await store.FoldAsync(ids[0]), await store.ReadModel.GetAsync(ids[0], default));
        await CorruptAsync(store.ReadContainer, ids[1]);
        var createdAfterTheSwitch = await store.CreateAsync("after the first switch", waitForReadModel: true);
        await RebuildAsync(store);

        Assert.Equal(new ProjectionStatus(3, TodoStoreLayout.ReadModelContainer, TodoStoreLayout.AlternateReadModelContainer, null), await store.Admin.GetStatusAsync(default));
        foreach (var id in ids.Append(createdAfterTheSwitch))
            Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
        Assert.Equal([3], (await store.ReadContainer.QueryAllAsync<int>(new QueryDefinition("SELECT VALUE c.readModelVersion FROM c"), null, default)).Distinct());
    }

    [Fact]
    public async Task After_a_switch_an_instance_still_acting_on_the_older_pointer_reads_the_previous_container_which_keeps_receiving_writes()
    {
        await using var store = await StartAsync(withProjector: true);
        await using var lagging = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, store.DatabaseName, pointerCacheDuration: TimeSpan.FromMinutes(1));
        var before = await store.CreateAsync("before the rebuild", waitForReadModel: true);
        Assert.NotNull(await lagging.ReadModel.GetAsync(before, default));

        await RebuildAsync(store);
        var created = Assert.IsType<CommandOutcome.Succeeded>(await store.Commands.CreateAsync(new CreateTodo("after the switch"), new CommandContext("c"), default));
        await store.Commands.ExecuteAsync(before, new UpdateTodo(Completed: true), new CommandContext("c"), default);

        Assert.Equal(TodoStoreLayout.AlternateReadModelContainer, (await store.Admin.GetStatusAsync(default)).LiveContainer);
        Assert.True(created.ReadModelCaughtUp);
        Assert.Equal(created.Todo, await lagging.ReadModel.GetAsync(created.Todo.Id, default));
        Assert.Equal(await store.FoldAsync(before), await lagging.ReadModel.GetAsync(before, default));
        Assert.Equal(await store.FoldAsync(before), await store.ReadModel.GetAsync(before, default));
    }

    [Fact]
    public async Task A_second_request_is_refused_while_a_rebuild_is_claimed_and_redelivered_runs_switch_only_once()
    {
        await using var store = await StartAsync(withProjector: true);
        var ids = await SeedAsync(store, todos: 20, updatesPerTodo: 3);

        var accepted = Assert.IsType<RebuildRequestOutcome.Accepted>(await store.Admin.RequestRebuildAsync(default));
        var refused = Assert.IsType<RebuildRequestOutcome.AlreadyRunning>(await store.Admin.RequestRebuildAsync(default));
        await Task.WhenAll(store.Admin.RunRebuildAsync(accepted.RequestId, default), store.Admin.RunRebuildAsync(accepted.RequestId, default));
        await store.Admin.RunRebuildAsync(accepted.RequestId, default);

        Assert.Equal((accepted.RequestId, RebuildProgress.Requested, 0L), (refused.Progress.RequestId, refused.Progress.State, refused.Progress.EventsProcessed));
        Assert.Equal(new ProjectionStatus(2, TodoStoreLayout.AlternateReadModelContainer, TodoStoreLayout.ReadModelContainer, null), await store.Admin.GetStatusAsync(default));
        foreach (var id in ids)
            Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
        Assert.IsType<RebuildRequestOutcome.Accepted>(await store.Admin.RequestRebuildAsync(default));
    }

    [Fact]
    public async Task A_rebuild_parks_a_parked_todo_in_the_new_container_too_without_recording_its_poison_event_again()
    {
        await using var store = await StartAsync(withProjector: true);
        var poisoned = await store.CreateAsync("walk the dog", waitForReadModel: true);
        var healthy = await store.CreateAsync("feed the cat", waitForReadModel: true);
        await store.AppendForeignEventAsync(TodoStoreHarness.ForeignEvent(poisoned, 2, "todo_archived"), _ => { });
        await TodoStoreHarness.EventuallyAsync(async () => (await store.Admin.ListParkedAsync(default)).Count > 0);

        await RebuildAsync(store);

        Assert.Equal(TodoStoreLayout.AlternateReadModelContainer, (await store.Admin.GetStatusAsync(default)).LiveContainer);
        // The rebuild replays the statistics too, which park the todo in the new container as well (this harness runs
        // no live statistics projector, so the rebuild is the first to record their poison).
        var parked = await store.Admin.ListParkedAsync(default);
        Assert.Equal([ProjectionNames.Statistics, ProjectionNames.Todos], parked.Select(todo => todo.Projection).Order());
        Assert.All(parked, todo => Assert.Equal((poisoned, 2L), (todo.TodoId, todo.ParkedAtVersion)));
        Assert.Equal(poisoned, Assert.Single(store.Poison.Recorded, poison => poison.Projection == ProjectionNames.Todos).TodoId);
        Assert.Equal((1L, true), await store.ReadModel.GetAsync(poisoned, default) is { } stale ? (stale.Version, stale.IsStale) : default);
        Assert.Equal(await store.FoldAsync(healthy), await store.ReadModel.GetAsync(healthy, default));
    }

    private Task<TodoStoreHarness> StartAsync(bool withProjector, string? databaseName = null) =>
        TodoStoreHarness.StartAsync(endpoint, withProjector, databaseName, pointerCacheDuration: PointerCache);

    private static async Task RebuildAsync(TodoStoreHarness store)
    {
        var accepted = Assert.IsType<RebuildRequestOutcome.Accepted>(await store.Admin.RequestRebuildAsync(default));
        await store.Admin.RunRebuildAsync(accepted.RequestId, default);
    }

    /// <summary>Creates todos and updates each a number of times (one event per update), then waits until the read model shows them.</summary>
    internal static async Task<List<Guid>> SeedAsync(TodoStoreHarness store, int todos, int updatesPerTodo)
    {
        var ids = new ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, todos), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            var id = await store.CreateAsync($"todo {i}", order: i % 4 == 0 ? null : i);
            for (var update = 1; update <= updatesPerTodo; update++)
                await store.Commands.ExecuteAsync(id, update % 2 == 0 ? new UpdateTodo(Completed: update % 4 == 2) : new UpdateTodo(Title: $"todo {i}.{update}"), TodoStoreHarness.NoWait(), token);
            ids.Add(id);
        });
        await WaitUntilProjectedAsync(store, ids);
        return [.. ids];
    }

    /// <summary>
    /// Commands as clients send them, each waiting for the read model: creates, updates and deletes of todos it
    /// created. A todo counts as live once its creation is shown, and stops counting before its delete is sent.
    /// </summary>
    private static async Task<List<Guid>> RunCommandsAsync(
        TodoStoreHarness store, ConcurrentDictionary<Guid, bool> live, IReadOnlyList<Guid> seeded, Random random, CancellationToken stop)
    {
        var created = new List<Guid>();
        var context = new CommandContext("load");
        while (!stop.IsCancellationRequested)
        {
            switch (random.Next(10))
            {
                case < 4:
                    var outcome = Assert.IsType<CommandOutcome.Succeeded>(await store.Commands.CreateAsync(new CreateTodo("created under load"), context, default));
                    created.Add(outcome.Todo.Id);
                    if (outcome.ReadModelCaughtUp) live[outcome.Todo.Id] = true;
                    break;
                case < 8:
                    await store.Commands.ExecuteAsync(seeded[random.Next(seeded.Count)], new UpdateTodo(Title: $"updated {random.Next(100)}"), context, default);
                    break;
                default:
                    if (created.FirstOrDefault(live.ContainsKey) is var doomed && doomed == Guid.Empty) break;
                    live.TryRemove(doomed, out _);
                    await store.Commands.ExecuteAsync(doomed, new DeleteTodo(), context, default);
                    break;
            }
        }
        return created;
    }

    /// <summary>Lists over and over; a todo counted live before a list started and still counted after it must be in it.</summary>
    private static async Task<(int Taken, List<Guid> Missed)> ListContinuouslyAsync(TodoStoreHarness reader, ConcurrentDictionary<Guid, bool> live, CancellationToken stop)
    {
        var (taken, missed) = (0, new List<Guid>());
        while (!stop.IsCancellationRequested)
        {
            var expected = live.Keys.ToList();
            var listed = (await reader.ReadModel.ListAsync(default)).Select(todo => todo.Id).ToHashSet();
            missed.AddRange(expected.Where(id => !listed.Contains(id) && live.ContainsKey(id)));
            taken++;
        }
        return (taken, missed);
    }

    private static async Task<List<RebuildProgress?>> WatchStatusAsync(TodoStoreHarness store, CancellationToken stop)
    {
        var seen = new List<RebuildProgress?>();
        while (!stop.IsCancellationRequested)
        {
            seen.Add((await store.Admin.GetStatusAsync(default)).Rebuild);
            await Task.Delay(50);
        }
        return seen;
    }

    /// <summary>
    /// Runs the rebuild until the status shows its first saved progress, then cuts the run short as a crash or a
    /// timeout would; reports the replay's throughput so far. Returns the progress the status showed.
    /// </summary>
    private async Task<RebuildProgress> InterruptOnFirstSavedProgressAsync(TodoStoreHarness runner, TodoStoreHarness observer, string requestId)
    {
        using var interruption = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var run = runner.Admin.RunRebuildAsync(requestId, interruption.Token);
        RebuildProgress? saved = null;
        await TodoStoreHarness.EventuallyAsync(async () => (saved = (await observer.Admin.GetStatusAsync(default)).Rebuild) is { EventsProcessed: > 0 });
        var elapsed = Stopwatch.GetElapsedTime(started);
        interruption.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        output.WriteLine($"replay with commands flowing: {saved!.EventsProcessed} events in {elapsed.TotalSeconds:0.00} s, {saved.EventsProcessed / elapsed.TotalSeconds:0} events/s");
        return saved;
    }

    /// <summary>Overwrites a read document with a wrong title at its own version, as a projection bug would have left it.</summary>
    internal static async Task CorruptAsync(Container readContainer, Guid id)
    {
        var partition = new PartitionKey(id.ToString());
        var document = (await readContainer.ReadItemAsync<TodoViewDocument>(id.ToString(), partition)).Resource;
        await readContainer.ReplaceItemAsync(document with { Title = "corrupted" }, document.Id, partition);
    }

    internal static async Task WaitUntilProjectedAsync(TodoStoreHarness store, IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
        {
            var tip = (await store.Store.LoadAsync(id, default)).Version;
            await TodoStoreHarness.EventuallyAsync(async () => await store.ReadModel.ReadAppliedVersionAsync(id, default) >= tip);
        }
    }
}
