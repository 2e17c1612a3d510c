using System.Net;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>The wait for the projector; the tests of the fallback turn off the command's own write of its read document, which would otherwise answer first.</summary>
public sealed class ReadYourWritesTests(CosmosEndpoint endpoint, ITestOutputHelper output) : IClassFixture<CosmosEndpoint>
{
    private static readonly Dictionary<string, string?> WaitingForTheProjector = new() { ["TodoStore:WriteThroughReadModel"] = "false" };

    [Fact]
    public async Task With_the_projector_running_every_write_that_waits_is_seen_by_the_next_read()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var context = new CommandContext("c");

        var created = Assert.IsType<CommandOutcome.Succeeded>(await store.Commands.CreateAsync(new CreateTodo("walk the dog"), context, default));
        Assert.True(created.ReadModelCaughtUp);
        Assert.Equal(created.Todo, await store.ReadModel.GetAsync(created.Todo.Id, default));

        var updated = Assert.IsType<CommandOutcome.Succeeded>(await store.Commands.ExecuteAsync(created.Todo.Id, new UpdateTodo(Completed: true), context, default));
        Assert.True(updated.ReadModelCaughtUp);
        Assert.Equal(updated.Todo, await store.ReadModel.GetAsync(created.Todo.Id, default));

        var deleted = Assert.IsType<CommandOutcome.Succeeded>(await store.Commands.ExecuteAsync(created.Todo.Id, new DeleteTodo(), context, default));
        Assert.True(deleted.ReadModelCaughtUp);
        Assert.Null(await store.ReadModel.GetAsync(created.Todo.Id, default));
    }

    [Fact]
    public async Task A_projection_signalled_between_the_append_and_the_wait_is_not_missed_and_costs_no_request()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = Guid.NewGuid();
        using var watch = store.CatchUp.Watch(id);
        store.CatchUp.Projected(id, 3);

        var requests = store.Requests.Measure();
        var caughtUp = await store.CatchUp.WaitAsync(watch, 3, checkFirst: false, default);

        Assert.True(caughtUp);
        Assert.Equal(0, requests.RoundTrips);
    }

    [Fact]
    public async Task A_projection_signalled_during_the_wait_ends_it_without_reading_the_read_model()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = Guid.NewGuid();
        store.CatchUp.Projected(Guid.NewGuid(), 1);
        using var watch = store.CatchUp.Watch(id);

        var requests = store.Requests.Measure();
        var waiting = store.CatchUp.WaitAsync(watch, 2, checkFirst: false, default);
        store.CatchUp.Projected(id, 1);
        store.CatchUp.Projected(id, 2);

        Assert.True(await waiting);
        Assert.Equal(0, requests.RoundTrips);
    }

    [Fact]
    public async Task A_signal_for_an_older_version_or_another_todo_does_not_end_the_wait()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: TimeSpan.FromMilliseconds(300));
        var id = Guid.NewGuid();
        using var watch = store.CatchUp.Watch(id);

        var waiting = store.CatchUp.WaitAsync(watch, 2, checkFirst: false, default);
        store.CatchUp.Projected(id, 1);
        store.CatchUp.Projected(Guid.NewGuid(), 2);

        Assert.False(await waiting);
    }

    [Fact]
    public async Task A_write_waits_for_a_projector_in_another_process_by_polling_the_read_document()
    {
        await using var writer = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, settings: WaitingForTheProjector);
        await using var projector = await TodoStoreHarness.StartAsync(endpoint, withProjector: true, databaseName: writer.DatabaseName);

        var requests = writer.Requests.Measure();
        var outcome = await writer.Commands.CreateAsync(new CreateTodo("walk the dog"), new CommandContext("c"), default);

        var created = Assert.IsType<CommandOutcome.Succeeded>(outcome);
        Assert.True(created.ReadModelCaughtUp);
        output.WriteLine($"create waiting by polling: {requests.RoundTrips} round trips, {requests.RequestCharge:0.##} RU");
        Assert.Equal(created.Todo, await writer.ReadModel.GetAsync(created.Todo.Id, default));
    }

    [Fact]
    public async Task Without_a_projector_the_wait_gives_up_at_the_bound_and_the_write_has_still_happened()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: TimeSpan.FromMilliseconds(300), settings: WaitingForTheProjector);

        var outcome = await store.Commands.CreateAsync(new CreateTodo("walk the dog"), new CommandContext("c"), default);

        var created = Assert.IsType<CommandOutcome.Succeeded>(outcome);
        Assert.False(created.ReadModelCaughtUp);
        Assert.Single(await store.Store.ReadStreamAsync(created.Todo.Id, default));
        Assert.Null(await store.ReadModel.GetAsync(created.Todo.Id, default));
    }

    [EmbeddedEmulatorFact]
    public async Task A_write_whose_wait_cannot_read_the_read_model_still_answers_that_it_happened()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: TimeSpan.FromMilliseconds(500), settings: WaitingForTheProjector);
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 3,
            Rules = [new FaultRule { Operations = [FaultOperation.Read], Container = TodoStoreLayout.ReadModelContainer, Outcome = FaultOutcome.ServiceUnavailable }],
        });
        try
        {
            var outcome = await store.Commands.CreateAsync(new CreateTodo("walk the dog"), new CommandContext("c"), default);

            var created = Assert.IsType<CommandOutcome.Succeeded>(outcome);
            Assert.False(created.ReadModelCaughtUp);
            Assert.Single(await store.Store.ReadStreamAsync(created.Todo.Id, default));
        }
        finally
        {
            endpoint.Emulator.Faults.Clear();
        }
    }

    [Fact]
    public async Task A_poll_that_fails_just_as_the_wait_ends_still_answers_that_the_write_happened()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: TimeSpan.FromMilliseconds(300), settings: WaitingForTheProjector);
        store.ReadModelFaults.AnswerReadsAtTheirDeadlineWith = HttpStatusCode.ServiceUnavailable;

        var outcome = await store.Commands.CreateAsync(new CreateTodo("walk the dog"), new CommandContext("c"), default);

        var created = Assert.IsType<CommandOutcome.Succeeded>(outcome);
        Assert.False(created.ReadModelCaughtUp);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_reports_whether_the_read_model_already_shows_the_todo()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: TimeSpan.FromMilliseconds(300));
        var id = await store.CreateAsync("walk the dog");
        var noChange = new UpdateTodo(Title: "walk the dog");

        var beforeProjection = await store.Commands.ExecuteAsync(id, noChange, new CommandContext("c"), default);
        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(id), default);
        var afterProjection = await store.Commands.ExecuteAsync(id, noChange, new CommandContext("c"), default);

        Assert.False(Assert.IsType<CommandOutcome.Succeeded>(beforeProjection).ReadModelCaughtUp);
        Assert.True(Assert.IsType<CommandOutcome.Succeeded>(afterProjection).ReadModelCaughtUp);
    }
}
