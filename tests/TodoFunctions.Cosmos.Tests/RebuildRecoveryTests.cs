using System.Diagnostics;
using Microsoft.Azure.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// A rebuild that got stuck (its worker silent, its runs failing) is resumed by the next request, and an operator can
/// cancel one: its worker stops, the live projector stops writing its container, and the next rebuild overwrites
/// what it left there.
/// </summary>
public sealed class RebuildRecoveryTests(CosmosEndpoint endpoint, ITestOutputHelper output) : IClassFixture<CosmosEndpoint>
{
    private static readonly TimeSpan PointerCache = TimeSpan.FromMilliseconds(250);

    /// <summary>Every change feed read of the events container fails: a rebuild run saves its claim, then throws.</summary>
    private static readonly FaultPlan ChangeFeedDown = new()
    {
        Seed = 9,
        Rules = [new FaultRule { Operations = [FaultOperation.ChangeFeed], Container = TodoStoreLayout.EventsContainer, Outcome = FaultOutcome.ServiceUnavailable }],
    };

    [EmbeddedEmulatorFact]
    public async Task A_rebuild_whose_runs_fail_until_its_worker_is_silent_past_the_stall_timeout_is_resumed_by_the_next_request_and_switches_once_the_fault_is_gone()
    {
        await using var store = await StartAsync(stallTimeout: TimeSpan.FromSeconds(2));
        var ids = await RebuildTests.SeedAsync(store, todos: 10, updatesPerTodo: 2);

        var accepted = Assert.IsType<RebuildRequestOutcome.Accepted>(await store.Admin.RequestRebuildAsync(default));
        RebuildProgress failed;
        RebuildRequestOutcome.Resumed resumed;
        try
        {
            endpoint.Emulator!.Faults.Install(ChangeFeedDown);
            await Assert.ThrowsAsync<CosmosException>(() => store.Admin.RunRebuildAsync(accepted.RequestId, default));
            failed = (await store.Admin.GetStatusAsync(default)).Rebuild!;
            await TodoStoreHarness.EventuallyAsync(async () => (await store.Admin.GetStatusAsync(default)).RebuildStalled);
            resumed = Assert.IsType<RebuildRequestOutcome.Resumed>(await store.Admin.RequestRebuildAsync(default));
        }
        finally
        {
            endpoint.Emulator!.Faults.Clear();
        }
        var afterResume = await store.Admin.GetStatusAsync(default);
        await store.Admin.RunRebuildAsync(accepted.RequestId, default);

        Assert.Equal((accepted.RequestId, RebuildProgress.Replaying), (failed.RequestId, failed.State));
        Assert.Equal((accepted.RequestId, RebuildProgress.Replaying), (resumed.Progress.RequestId, resumed.Progress.State));
        Assert.True(resumed.Progress.SavedAt > failed.SavedAt);
        Assert.False(afterResume.RebuildStalled);
        Assert.Equal(new ProjectionStatus(2, TodoStoreLayout.AlternateReadModelContainer, TodoStoreLayout.ReadModelContainer, null), await store.Admin.GetStatusAsync(default));
        foreach (var id in ids)
            Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
    }

    [EmbeddedEmulatorFact]
    public async Task A_rebuild_whose_run_the_queue_gave_up_on_is_resumed_at_once_while_a_request_naming_other_runs_is_refused()
    {
        await using var store = await StartAsync();
        var ids = await RebuildTests.SeedAsync(store, todos: 10, updatesPerTodo: 2);

        var accepted = Assert.IsType<RebuildRequestOutcome.Accepted>(await store.Admin.RequestRebuildAsync(default));
        RebuildRequestOutcome refused, resumed;
        try
        {
            endpoint.Emulator!.Faults.Install(ChangeFeedDown);
            await Assert.ThrowsAsync<CosmosException>(() => store.Admin.RunRebuildAsync(accepted.RequestId, default));
            refused = await store.Admin.RequestRebuildAsync(["an earlier request"], default);
            resumed = await store.Admin.RequestRebuildAsync([accepted.RequestId], default);
        }
        finally
        {
            endpoint.Emulator!.Faults.Clear();
        }
        await store.Admin.RunRebuildAsync(accepted.RequestId, default);

        Assert.Equal(accepted.RequestId, Assert.IsType<RebuildRequestOutcome.AlreadyRunning>(refused).Progress.RequestId);
        Assert.Equal(accepted.RequestId, Assert.IsType<RebuildRequestOutcome.Resumed>(resumed).Progress.RequestId);
        Assert.Equal(2, (await store.Admin.GetStatusAsync(default)).LiveVersion);
        foreach (var id in ids)
            Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
    }

    [Fact]
    public async Task Cancelling_a_rebuild_stops_its_worker_and_after_the_pointer_cache_window_the_live_projector_no_longer_writes_its_container()
    {
        await using var app = await StartAsync(withProjector: true);
        await using var runner = await StartRunnerAsync(app);
        var ids = await RebuildTests.SeedAsync(app, todos: 10, updatesPerTodo: 2);

        var cancelled = await CancelWhileCatchingUpAsync(app, runner);
        var status = await app.Admin.GetStatusAsync(default);
        await Task.Delay(cancelled.TargetWritesStopBy - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
        var created = await app.CreateAsync("after the cancel", waitForReadModel: true);
        await app.Commands.ExecuteAsync(ids[0], new UpdateTodo(Title: "renamed after the cancel"), new CommandContext("test"), default);

        Assert.Equal(new ProjectionStatus(1, TodoStoreLayout.ReadModelContainer, null, null, false, cancelled.Progress), status);
        Assert.Equal(RebuildProgress.Cancelled, cancelled.Progress.State);
        Assert.Null(await TodoViewDocument.ReadAsync(app.AlternateReadContainer, created, default));
        Assert.NotEqual("renamed after the cancel", (await TodoViewDocument.ReadAsync(app.AlternateReadContainer, ids[0], default))?.Document.Title);
        Assert.Equal("renamed after the cancel", (await app.ReadModel.GetAsync(ids[0], default))?.Title);
    }

    [Fact]
    public async Task After_a_cancel_the_next_rebuild_overwrites_what_the_cancelled_one_left_and_switches_to_the_fold_of_every_stream()
    {
        await using var app = await StartAsync(withProjector: true);
        await using var runner = await StartRunnerAsync(app);
        var ids = await RebuildTests.SeedAsync(app, todos: 10, updatesPerTodo: 2);
        var cancelled = await CancelWhileCatchingUpAsync(app, runner);
        // As a projector bug in the build whose rebuild was cancelled would have left it.
        await RebuildTests.CorruptAsync(app.AlternateReadContainer, ids[0]);

        var accepted = Assert.IsType<RebuildRequestOutcome.Accepted>(await app.Admin.RequestRebuildAsync(default));
        var requested = (await app.Admin.GetStatusAsync(default)).Rebuild!;
        await app.Admin.RunRebuildAsync(accepted.RequestId, default);
        await app.Commands.ExecuteAsync(ids[1], new UpdateTodo(Title: "renamed after the switch"), new CommandContext("test"), default);

        Assert.Equal((3, TodoStoreLayout.AlternateReadModelContainer), (requested.TargetVersion, requested.TargetContainer));
        Assert.Equal(new ProjectionStatus(3, TodoStoreLayout.AlternateReadModelContainer, TodoStoreLayout.ReadModelContainer, null, false, cancelled.Progress),
            await app.Admin.GetStatusAsync(default));
        foreach (var id in ids)
            Assert.Equal(await app.FoldAsync(id), await app.ReadModel.GetAsync(id, default));
        Assert.Equal([3], (await app.AlternateReadContainer.QueryAllAsync<int>(new QueryDefinition("SELECT VALUE c.readModelVersion FROM c"), null, default)).Distinct());
        // The previous container keeps the version its documents were built for, so the projector updates them in place.
        Assert.Equal(("renamed after the switch", 1), (await TodoViewDocument.ReadAsync(app.ReadContainer, ids[1], default)) is { } previous
            ? (previous.Document.Title, previous.Document.ReadModelVersion) : default);
    }

    [Fact]
    public async Task Cancelling_when_no_rebuild_is_claimed_changes_nothing_and_says_which_was_cancelled_last()
    {
        await using var store = await StartAsync();
        var nothingYet = await store.Admin.CancelRebuildAsync(default);
        Assert.IsType<RebuildRequestOutcome.Accepted>(await store.Admin.RequestRebuildAsync(default));
        var cancelled = Assert.IsType<RebuildCancelOutcome.Cancelled>(await store.Admin.CancelRebuildAsync(default));

        var again = await store.Admin.CancelRebuildAsync(default);

        Assert.Equal(new RebuildCancelOutcome.NothingToCancel(null), nothingYet);
        Assert.Equal(new RebuildCancelOutcome.NothingToCancel(cancelled.Progress), again);
        Assert.Equal(new ProjectionStatus(1, TodoStoreLayout.ReadModelContainer, null, null, false, cancelled.Progress), await store.Admin.GetStatusAsync(default));
    }

    private Task<TodoStoreHarness> StartAsync(bool withProjector = true, TimeSpan? stallTimeout = null) =>
        TodoStoreHarness.StartAsync(endpoint, withProjector, pointerCacheDuration: PointerCache, settings: new Dictionary<string, string?>
        {
            ["TodoStore:RebuildStallTimeout"] = (stallTimeout ?? TimeSpan.FromMinutes(2)).ToString(),
        });

    /// <summary>An instance that runs rebuilds and waits a minute of pointer cache before switching: its rebuilds stay caught up until cancelled.</summary>
    private Task<TodoStoreHarness> StartRunnerAsync(TodoStoreHarness app) =>
        TodoStoreHarness.StartAsync(endpoint, withProjector: false, app.DatabaseName, pointerCacheDuration: TimeSpan.FromMinutes(1));

    /// <summary>
    /// Runs a rebuild on <paramref name="runner"/> until it is catching up and the live projector writes its container
    /// too (seen by a todo created then), then cancels it and waits for the run to stop. Returns what the cancel answered.
    /// </summary>
    private async Task<RebuildCancelOutcome.Cancelled> CancelWhileCatchingUpAsync(TodoStoreHarness app, TodoStoreHarness runner)
    {
        var accepted = Assert.IsType<RebuildRequestOutcome.Accepted>(await app.Admin.RequestRebuildAsync(default));
        var run = runner.Admin.RunRebuildAsync(accepted.RequestId, default);
        await TodoStoreHarness.EventuallyAsync(async () => (await app.Admin.GetStatusAsync(default)).Rebuild is { State: RebuildProgress.CatchingUp });
        await TodoStoreHarness.EventuallyAsync(async () =>
            await TodoViewDocument.ReadAsync(app.AlternateReadContainer, await app.CreateAsync("while catching up", waitForReadModel: true), default) is not null);
        var cancelling = Stopwatch.GetTimestamp();
        var cancelled = Assert.IsType<RebuildCancelOutcome.Cancelled>(await app.Admin.CancelRebuildAsync(default));
        // Liveness only: the run would otherwise poll until its switch, two of its minute-long cache windows away.
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"cancelled run stopped {Stopwatch.GetElapsedTime(cancelling).TotalMilliseconds:0} ms after the cancel request");
        return cancelled;
    }
}
