using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// The command's own write of its todo's read document: one write instead of a wait for the change feed, exactly the
/// document the projector writes, and never a step back.
/// </summary>
public sealed class ReadModelWriteThroughTests(CosmosEndpoint endpoint, ITestOutputHelper output) : IClassFixture<CosmosEndpoint>
{
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Without_a_projector_a_create_that_waits_is_one_append_and_one_document_create_and_an_update_one_read_one_append_and_one_patch()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: ShortWait);
        await store.ReadModel.ListAsync(default);

        var create = store.Requests.Measure();
        var created = Succeeded(await store.Commands.CreateAsync(new CreateTodo("walk the dog"), new CommandContext("c"), default));
        var update = store.Requests.Measure();
        var updated = Succeeded(await store.Commands.ExecuteAsync(created.Todo.Id, new UpdateTodo(Title: "walk the cat", Completed: true), new CommandContext("c"), default));
        var noWait = store.Requests.Measure();
        await store.Commands.CreateAsync(new CreateTodo("feed the fish"), TodoStoreHarness.NoWait(), default);

        output.WriteLine($"create and write through: {create.RoundTrips} round trips, {create.RequestCharge:0.##} RU; update: {update.RoundTrips}, {update.RequestCharge:0.##} RU");
        Assert.Equal((2, 3, 1), (create.RoundTrips, update.RoundTrips, noWait.RoundTrips));
        Assert.True(created.ReadModelCaughtUp && updated.ReadModelCaughtUp);
        Assert.NotNull(updated.ReadModelSession);
        Assert.Equal(updated.Todo, await store.ReadModel.GetAsync(created.Todo.Id, default));
    }

    [Fact]
    public async Task Every_kind_of_command_writes_the_document_the_projector_would_write_and_the_projector_then_writes_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: ShortWait);
        var context = new CommandContext("c");
        var id = Succeeded(await store.Commands.CreateAsync(new CreateTodo("walk the dog", Order: 3, DueDate: new DateOnly(2027, 1, 2)), context, default)).Todo.Id;
        await AssertProjectorWouldWriteTheSameAsync(store, id);

        TodoCommand[] commands =
        [
            new UpdateTodo(Title: "walk the cat", Completed: true),
            new UpdateTodo(Order: null, DueDate: null),
            new UpdateTodo(Completed: false, Order: 1),
            new DeleteTodo(),
            new RestoreTodo(),
            new DeleteTodo(),
        ];
        foreach (var command in commands)
        {
            Assert.True(Succeeded(await store.Commands.ExecuteAsync(id, command, context, default)).ReadModelCaughtUp, command.ToString());
            await AssertProjectorWouldWriteTheSameAsync(store, id);
        }
        Assert.True(Succeeded((await store.Purge.PurgeAsync(null, id, context, default)).Outcome).ReadModelCaughtUp);
        await AssertProjectorWouldWriteTheSameAsync(store, id);
    }

    [Fact]
    public async Task A_write_through_from_a_stale_stream_or_onto_an_existing_document_changes_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: ShortWait);
        var id = Succeeded(await store.Commands.CreateAsync(new CreateTodo("walk the dog"), new CommandContext("c"), default)).Todo.Id;
        var first = await store.Store.LoadAsync(id, default);
        Succeeded(await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "walk the cat"), new CommandContext("c"), default));
        var before = await ReadRawAsync(store, id);

        var fromStale = await store.WriteThrough.TryWriteAsync(first, first.Apply(new TodoTitleUpdated("stale"), DateTimeOffset.UtcNow), default);
        var recreated = await store.WriteThrough.TryWriteAsync(TodoStream.Unwritten(id), first, default);

        Assert.Null(fromStale);
        Assert.Null(recreated);
        Assert.True(JsonNode.DeepEquals(before, await ReadRawAsync(store, id)));
        Assert.Equal("walk the cat", (await store.ReadModel.GetAsync(id, default))?.Title);
    }

    [Fact]
    public async Task After_writes_that_did_not_wait_a_command_that_waits_creates_or_replaces_the_document_behind_it()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: ShortWait);
        var context = new CommandContext("c");
        var id = Succeeded(await store.Commands.CreateAsync(new CreateTodo("walk the dog"), TodoStoreHarness.NoWait(), default)).Todo.Id;

        var missing = Succeeded(await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "walk the cat"), context, default));
        await AssertProjectorWouldWriteTheSameAsync(store, id);
        Succeeded(await store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default));
        Succeeded(await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default));
        var behind = Succeeded(await store.Commands.ExecuteAsync(id, new RestoreTodo(), context, default));

        Assert.True(missing.ReadModelCaughtUp && behind.ReadModelCaughtUp);
        Assert.NotNull(behind.ReadModelSession);
        Assert.Equal(behind.Todo, await store.ReadModel.GetAsync(id, default));
        await AssertProjectorWouldWriteTheSameAsync(store, id);
    }

    [Fact]
    public async Task A_write_through_the_read_container_fails_for_another_reason_than_a_refusal_is_logged_with_its_status()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: ShortWait);
        var id = Succeeded(await store.Commands.CreateAsync(new CreateTodo("walk the dog"), TodoStoreHarness.NoWait(), default)).Todo.Id;
        var created = await store.Store.LoadAsync(id, default);
        var logger = new RecordingLogger<ReadModelWriteThrough>();
        var writeThrough = new ReadModelWriteThrough(store.Pointers, Options.Create(new TodoStoreOptions { WriteThroughReadModel = true }), logger);

        store.ReadModelFaults.AnswerWritesWith = HttpStatusCode.BadRequest;
        var refused = await writeThrough.TryWriteAsync(TodoStream.Unwritten(id), created, default);
        store.ReadModelFaults.AnswerWritesWith = null;
        var written = await writeThrough.TryWriteAsync(TodoStream.Unwritten(id), created, default);
        var conflicting = await writeThrough.TryWriteAsync(TodoStream.Unwritten(id), created, default);

        Assert.Equal((null, true, null), (refused, written is not null, conflicting));
        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("400/0", message);
    }

    [Fact]
    public async Task A_parked_todo_keeps_its_document_and_marker_and_the_command_says_the_read_model_is_behind()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: ShortWait);
        var id = Succeeded(await store.Commands.CreateAsync(new CreateTodo("walk the dog"), new CommandContext("c"), default)).Todo.Id;
        var (document, _) = (await TodoViewDocument.ReadAsync(store.ReadContainer, id, default))!.Value;
        var marker = new ParkedMarker(2, nameof(TodoTitleUpdated), "parked by the test", 1, DateTimeOffset.UtcNow);
        await store.ReadContainer.UpsertItemAsync(document with { Parked = marker }, new PartitionKey(id.ToString()));

        var updated = Succeeded(await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "walk the cat"), new CommandContext("c"), default));

        Assert.False(updated.ReadModelCaughtUp);
        var stored = (await TodoViewDocument.ReadAsync(store.ReadContainer, id, default))!.Value.Document;
        Assert.Equal((1L, "walk the dog", marker), (stored.Version, stored.Title, stored.Parked));
    }

    [EmbeddedEmulatorFact]
    public async Task A_write_through_the_read_container_refuses_falls_back_to_the_projector_and_the_write_still_succeeds()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var id = await store.CreateAsync("walk the dog", waitForReadModel: true);
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 5,
            Rules = [new FaultRule { Operations = [FaultOperation.Patch, FaultOperation.Create], Container = TodoStoreLayout.ReadModelContainer, Outcome = FaultOutcome.ServiceUnavailable }],
        });
        try
        {
            var updated = Succeeded(await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "walk the cat"), new CommandContext("c"), default));

            Assert.True(updated.ReadModelCaughtUp);
            Assert.Null(updated.ReadModelSession);
            Assert.Equal("walk the cat", (await store.ReadModel.GetAsync(id, default))?.Title);
        }
        finally
        {
            endpoint.Emulator.Faults.Clear();
        }
    }

    [EmbeddedEmulatorFact]
    public async Task A_purge_whose_masking_fails_does_not_claim_the_read_model_caught_up_though_its_document_was_written()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, readYourWritesTimeout: ShortWait);
        var id = Succeeded(await store.Commands.CreateAsync(new CreateTodo("walk the dog"), new CommandContext("c"), default)).Todo.Id;
        Succeeded(await store.Commands.ExecuteAsync(id, new DeleteTodo(), new CommandContext("c"), default));
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 7,
            Rules = [new FaultRule
            {
                Operations = [FaultOperation.Replace], Container = TodoStoreLayout.EventsContainer,
                PartitionKey = new Newtonsoft.Json.Linq.JValue(id.ToString()), Outcome = FaultOutcome.ServiceUnavailable, RetryAfterMs = 1,
            }],
        });
        try
        {
            var purged = Succeeded((await store.Purge.PurgeAsync(null, id, new CommandContext("c"), default)).Outcome);

            Assert.False(purged.ReadModelCaughtUp);
            Assert.Null(purged.ReadModelSession);
            Assert.Equal(3, (await TodoViewDocument.ReadAsync(store.ReadContainer, id, default))!.Value.Document.Version);
        }
        finally
        {
            endpoint.Emulator.Faults.Clear();
        }
    }

    [Fact]
    public async Task Commands_some_not_waiting_racing_the_projector_and_replayed_old_deliveries_never_move_the_document_back_and_end_at_the_fold_of_the_log()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var id = await store.CreateAsync("race", waitForReadModel: true);
        var oldDelivery = await store.DocumentsOfAsync(id);
        using var writersDone = new CancellationTokenSource();
        var seen = new List<long>();
        var reader = Task.Run(async () =>
        {
            while (!writersDone.IsCancellationRequested)
                seen.Add((await TodoViewDocument.ReadAsync(store.ReadContainer, id, default))!.Value.Document.Version);
        });
        var replayer = Task.Run(async () =>
        {
            while (!writersDone.IsCancellationRequested) await store.Projector.ProjectAsync(oldDelivery, default);
        });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            // A write that does not wait leaves the document behind, so the next one that waits replaces it.
            for (var step = 0; step < 8; step++)
                Succeeded(await store.Commands.ExecuteAsync(
                    id, new UpdateTodo(Title: $"writer {writer} step {step}", Completed: step % 2 == 0), new CommandContext("c", WaitForReadModel: (writer + step) % 3 != 0), default));
        })));
        await writersDone.CancelAsync();
        await Task.WhenAll(reader, replayer);

        var version = (await store.Store.LoadAsync(id, default)).Version;
        await TodoStoreHarness.EventuallyAsync(async () => (await store.ReadModel.GetAsync(id, default))?.Version == version);
        output.WriteLine($"{seen.Count} reads saw {seen.Distinct().Count()} versions up to {seen.Max()} of {version}");
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
        await AssertProjectorWouldWriteTheSameAsync(store, id);
    }

    /// <summary>
    /// The projector, given the whole log, finds the document applied and writes nothing; and the document it writes
    /// from scratch (the stored one removed) is the very one the command wrote.
    /// </summary>
    private static async Task AssertProjectorWouldWriteTheSameAsync(TodoStoreHarness store, Guid id)
    {
        var written = await ReadRawAsync(store, id);
        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(id), default);
        Assert.Equal(written["_etag"]!.ToString(), (await ReadRawAsync(store, id))["_etag"]!.ToString());
        await store.ReadContainer.DeleteItemAsync<JsonObject>(id.ToString(), new PartitionKey(id.ToString()));
        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(id), default);
        var projected = WithoutSystemProperties(await ReadRawAsync(store, id));
        Assert.True(JsonNode.DeepEquals(WithoutSystemProperties(written), projected), $"written {written.ToJsonString()}\nprojected {projected.ToJsonString()}");
    }

    private static async Task<JsonObject> ReadRawAsync(TodoStoreHarness store, Guid id) =>
        (await store.ReadContainer.ReadItemAsync<JsonObject>(id.ToString(), new PartitionKey(id.ToString()))).Resource;

    private static JsonObject WithoutSystemProperties(JsonObject document)
    {
        var copy = document.DeepClone().AsObject();
        foreach (var name in copy.Select(property => property.Key).Where(name => name.StartsWith('_')).ToList()) copy.Remove(name);
        return copy;
    }

    private static CommandOutcome.Succeeded Succeeded(CommandOutcome outcome) => Assert.IsType<CommandOutcome.Succeeded>(outcome);
}
