using System.Net;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

public sealed class TodoCommandServiceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task Creating_answers_the_new_todo_at_version_1_with_a_fresh_id()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);

        var first = await store.Commands.CreateAsync(new CreateTodo("walk the dog", true, 3), TodoStoreHarness.NoWait(), default);
        var second = await store.Commands.CreateAsync(new CreateTodo("walk the dog"), TodoStoreHarness.NoWait(), default);

        var created = Assert.IsType<CommandOutcome.Succeeded>(first).Todo;
        Assert.Equal(("walk the dog", true, (int?)3, 1L), (created.Title, created.Completed, created.Order, created.Version));
        Assert.NotEqual(created.Id, Assert.IsType<CommandOutcome.Succeeded>(second).Todo.Id);
        Assert.Equal(created.CreatedAt, (await store.Store.ReadStreamAsync(created.Id, default))[0].Timestamp);
    }

    [Fact]
    public async Task Concurrent_commands_on_one_todo_all_succeed_and_every_change_is_kept()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("contested");
        var titles = Enumerable.Range(0, 10).Select(writer => $"title {writer}").ToList();

        var outcomes = await Task.WhenAll(titles.Select(title =>
            store.Commands.ExecuteAsync(id, new UpdateTodo(Title: title), new CommandContext(title, WaitForReadModel: false), default)));

        Assert.All(outcomes, outcome => Assert.IsType<CommandOutcome.Succeeded>(outcome));
        var stream = await store.Store.ReadStreamAsync(id, default);
        Assert.Equal(titles, stream.Skip(1).Select(e => e.Data.GetProperty("title").GetString()).Order());
        Assert.Equal(Enumerable.Range(1, 11).Select(version => (long)version), stream.Select(e => e.Version));
    }

    [Fact]
    public async Task A_command_that_loses_every_race_gives_up_after_the_configured_retries_and_appends_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("contested");
        store.Faults.AnswerBatchesWith = HttpStatusCode.PreconditionFailed;

        var requests = store.Requests.Measure();
        var thrown = await Assert.ThrowsAsync<ConcurrencyRetriesExhaustedException>(() =>
            store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default));

        Assert.Equal(id, thrown.TodoId);
        Assert.Equal(1 + new TodoStoreOptions().MaxConcurrencyRetries, requests.Requests.Count(request => request.StartsWith("POST")));
        Assert.Single(await store.Store.ReadStreamAsync(id, default));
    }

    [Fact]
    public async Task A_failing_precondition_answers_PreconditionFailed_with_the_current_version_and_appends_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);

        var outcome = await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "x"), Expecting(version => version == 1), default);

        Assert.Equal(new CommandOutcome.PreconditionFailed(2), outcome);
        Assert.Equal(2, (await store.Store.ReadStreamAsync(id, default)).Count);
    }

    [Fact]
    public async Task A_holding_precondition_lets_the_command_through()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");

        var outcome = await store.Commands.ExecuteAsync(id, new DeleteTodo(), Expecting(version => version == 1), default);

        Assert.Equal(2, Assert.IsType<CommandOutcome.Succeeded>(outcome).Todo.Version);
    }

    [Fact]
    public async Task A_precondition_sees_no_current_version_on_a_deleted_or_unknown_todo_and_fails_before_the_command_is_rejected()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var deleted = await store.CreateAsync("walk the dog");
        await store.Commands.ExecuteAsync(deleted, new DeleteTodo(), TodoStoreHarness.NoWait(), default);
        var seen = new List<long?>();

        var onDeleted = await store.Commands.ExecuteAsync(deleted, new UpdateTodo(Title: "x"), Expecting(version => { seen.Add(version); return false; }), default);
        var onUnknown = await store.Commands.ExecuteAsync(Guid.NewGuid(), new DeleteTodo(), Expecting(version => { seen.Add(version); return false; }), default);

        Assert.Equal([null, null], seen);
        Assert.Equal(new CommandOutcome.PreconditionFailed(null), onDeleted);
        Assert.Equal(new CommandOutcome.PreconditionFailed(null), onUnknown);
    }

    [Fact]
    public async Task A_precondition_is_evaluated_again_after_a_lost_race_and_fails_on_the_winner_s_version()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var seen = new List<long?>();
        // Holds unless the todo is at version 2 (an If-None-Match: "2"); its first evaluation lets a rival write version 2.
        bool NotAtVersion2(long? version)
        {
            seen.Add(version);
            if (seen.Count == 1) Task.Run(() => store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "rival"), TodoStoreHarness.NoWait(), default)).Wait();
            return version != 2;
        }

        var outcome = await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "mine"), Expecting(NotAtVersion2), default);

        Assert.Equal([1, 2], seen);
        Assert.Equal(new CommandOutcome.PreconditionFailed(2), outcome);
        Assert.Equal("rival", (await store.Store.LoadAsync(id, default)).State!.Title);
    }

    [Fact]
    public async Task Commands_on_an_unknown_todo_are_rejected_as_not_found_and_store_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var unknown = Guid.NewGuid();

        var update = await store.Commands.ExecuteAsync(unknown, new UpdateTodo(Title: "x"), TodoStoreHarness.NoWait(), default);
        var delete = await store.Commands.ExecuteAsync(unknown, new DeleteTodo(), TodoStoreHarness.NoWait(), default);

        Assert.Equal(RejectionReason.NotFound, Assert.IsType<CommandOutcome.Rejected>(update).Reason);
        Assert.Equal(RejectionReason.NotFound, Assert.IsType<CommandOutcome.Rejected>(delete).Reason);
        Assert.Empty(await store.DocumentsOfAsync(unknown));
    }

    [Fact]
    public async Task Commands_on_a_deleted_todo_are_rejected_as_deleted_and_append_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default);

        var update = await store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        var delete = await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default);

        Assert.Equal(RejectionReason.Deleted, Assert.IsType<CommandOutcome.Rejected>(update).Reason);
        Assert.Equal(RejectionReason.Deleted, Assert.IsType<CommandOutcome.Rejected>(delete).Reason);
        Assert.Equal(2, (await store.Store.ReadStreamAsync(id, default)).Count);
    }

    [Fact]
    public async Task An_invalid_title_is_rejected_and_nothing_is_stored()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");

        var create = await store.Commands.CreateAsync(new CreateTodo("  "), TodoStoreHarness.NoWait(), default);
        var update = await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "", Completed: true), TodoStoreHarness.NoWait(), default);

        Assert.Equal(RejectionReason.InvalidTitle, Assert.IsType<CommandOutcome.Rejected>(create).Reason);
        Assert.Equal(RejectionReason.InvalidTitle, Assert.IsType<CommandOutcome.Rejected>(update).Reason);
        Assert.Single(await store.Store.ReadStreamAsync(id, default));
    }

    [Fact]
    public async Task An_update_that_changes_nothing_succeeds_with_the_current_state_and_appends_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog", order: 1);

        var outcome = await store.Commands.ExecuteAsync(id, new UpdateTodo("walk the dog", false, 1), TodoStoreHarness.NoWait(), default);

        var todo = Assert.IsType<CommandOutcome.Succeeded>(outcome).Todo;
        Assert.Equal(("walk the dog", 1L), (todo.Title, todo.Version));
        Assert.Single(await store.Store.ReadStreamAsync(id, default));
    }

    [Fact]
    public async Task Delete_all_appends_one_TodoDeleted_per_live_todo_and_leaves_deleted_todos_alone()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var live = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => store.CreateAsync($"todo {i}")));
        var alreadyDeleted = await store.CreateAsync("gone");
        await store.Commands.ExecuteAsync(alreadyDeleted, new DeleteTodo(), TodoStoreHarness.NoWait(), default);

        var outcome = await store.Commands.DeleteAllAsync(new CommandContext("clear"), default);

        Assert.Equal(new DeleteAllOutcome(5, ReadModelCaughtUp: true), outcome);
        foreach (var id in live)
            Assert.Equal([nameof(TodoCreated), nameof(TodoDeleted)], (await store.Store.ReadStreamAsync(id, default)).Select(e => e.Type));
        Assert.Equal(2, (await store.Store.ReadStreamAsync(alreadyDeleted, default)).Count);
        Assert.Empty(await store.ReadModel.ListAsync(default));
    }

    [Fact]
    public async Task Delete_all_with_nothing_to_delete_deletes_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);

        Assert.Equal(new DeleteAllOutcome(0, ReadModelCaughtUp: true), await store.Commands.DeleteAllAsync(new CommandContext("clear"), default));
    }

    private static CommandContext Expecting(WritePrecondition precondition) => new("c", precondition, WaitForReadModel: false);

    /// <summary>Pins DeleteAll's caught-up flag (a mutant forcing it true, or ignoring WaitForReadModel, survived before).</summary>
    [Fact]
    public async Task A_delete_all_says_the_read_model_caught_up_only_when_it_waited_for_it()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        await store.Commands.CreateAsync(new CreateTodo("walk the dog"), TodoStoreHarness.NoWait(), default);
        var waited = await store.Commands.DeleteAllAsync(new CommandContext("test"), default);
        await store.Commands.CreateAsync(new CreateTodo("feed the cat"), TodoStoreHarness.NoWait(), default);
        var notWaited = await store.Commands.DeleteAllAsync(TodoStoreHarness.NoWait(), default);

        Assert.Equal((1, true), (waited.Deleted, waited.ReadModelCaughtUp));
        Assert.Equal((1, false), (notWaited.Deleted, notWaited.ReadModelCaughtUp));
    }
}
