using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// Appends whose answer is lost, with faults from the emulator's fault plan through the real SDK: the service reads
/// back whether its command was written and reports what happened, never a guess. Each test has the emulator to
/// itself while it runs (one fixture per class, tests of a class run one at a time), and its plan is cleared after it.
/// </summary>
public sealed class AmbiguousAppendTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IDisposable
{
    public static TheoryData<FaultOutcome, string> LostAfterCommit => new()
    {
        { FaultOutcome.TimeoutAfterApply, "create" },
        { FaultOutcome.TimeoutAfterApply, "update" },
        { FaultOutcome.TimeoutAfterApply, "delete" },
        { FaultOutcome.ServiceUnavailableAfterApply, "create" },
        { FaultOutcome.ServiceUnavailableAfterApply, "update" },
        { FaultOutcome.ServiceUnavailableAfterApply, "delete" },
        { FaultOutcome.DropConnectionAfterApply, "create" },
        { FaultOutcome.DropConnectionAfterApply, "update" },
        { FaultOutcome.DropConnectionAfterApply, "delete" },
    };

    [EmbeddedEmulatorTheory]
    [MemberData(nameof(LostAfterCommit))]
    public async Task A_command_whose_append_committed_but_whose_answer_was_lost_succeeds_once_with_one_set_of_events(FaultOutcome fault, string command)
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var existing = command == "create" ? (Guid?)null : await store.CreateAsync("walk the dog");
        InstallOnAppends(fault, existing);
        var context = TodoStoreHarness.NoWait();

        var outcome = await RunAsync(store, command, existing, context);

        var todo = Assert.IsType<CommandOutcome.Succeeded>(outcome).Todo;
        Assert.Contains(endpoint.Emulator!.Faults.Injected, injected => injected.Kind == fault);
        await AssertAppendedOnceAsync(store, todo, context.CommandId, expectedEvents: 1);
    }

    [EmbeddedEmulatorTheory]
    [InlineData(FaultOutcome.Timeout)]
    [InlineData(FaultOutcome.ServiceUnavailable)]
    [InlineData(FaultOutcome.DropConnection)]
    public async Task A_command_whose_append_failed_before_it_was_applied_is_appended_again_under_the_same_command_id(FaultOutcome fault)
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        InstallOnAppends(fault, id);
        var context = TodoStoreHarness.NoWait();

        var outcome = await store.Commands.ExecuteAsync(id, new UpdateTodo("walk the cat", Completed: true), context, default);

        var todo = Assert.IsType<CommandOutcome.Succeeded>(outcome).Todo;
        Assert.Equal(("walk the cat", true, 3L), (todo.Title, todo.Completed, todo.Version));
        Assert.Contains(endpoint.Emulator!.Faults.Injected, injected => injected.Kind == fault);
        await AssertAppendedOnceAsync(store, todo, context.CommandId, expectedEvents: 2);
    }

    [EmbeddedEmulatorFact]
    public async Task When_reading_back_a_lost_answer_fails_too_the_outcome_is_unknown_and_names_the_command_id()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 9,
            Rules =
            [
                new FaultRule { Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, Next = 1, Outcome = FaultOutcome.TimeoutAfterApply },
                new FaultRule { Operations = [FaultOperation.Read], Container = TodoStoreLayout.EventsContainer, Outcome = FaultOutcome.ServiceUnavailable },
            ],
        });
        var context = TodoStoreHarness.NoWait();

        var unknown = await Assert.ThrowsAsync<WriteOutcomeUnknownException>(() =>
            store.Commands.CreateAsync(new CreateTodo("walk the dog"), context, default));

        Assert.Equal(context.CommandId, unknown.CommandId);
        Assert.Contains(context.CommandId, unknown.Message);
        endpoint.Emulator.Faults.Clear();
        var documents = await store.DocumentsOfAsync(unknown.TodoId);
        Assert.Equal(1, documents.Count(document => document.IsEvent && document.CommandId == context.CommandId));
    }

    [EmbeddedEmulatorFact]
    public async Task A_command_that_loses_the_race_to_another_writer_while_its_answer_is_lost_re_decides_on_the_other_writers_events()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var stale = await store.Store.LoadAsync(id, default);
        Assert.NotNull(await store.Store.TryAppendAsync(stale, [new TodoTitleUpdated("walk the cat")], new CommandContext("other writer"), default));
        InstallOnAppends(FaultOutcome.Timeout, id);
        var context = TodoStoreHarness.NoWait();

        var appended = await store.Store.TryAppendAsync(stale, [new TodoCompleted()], context, default);

        Assert.Null(appended);
        Assert.DoesNotContain(await store.DocumentsOfAsync(id), document => document.CommandId == context.CommandId);
    }

    [EmbeddedEmulatorFact]
    public async Task An_append_whose_every_answer_is_lost_is_an_unknown_outcome_naming_the_command_id_not_a_retry()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        InstallOnAppends(FaultOutcome.Timeout, id, next: null);
        var context = TodoStoreHarness.NoWait();

        var unknown = await Assert.ThrowsAsync<WriteOutcomeUnknownException>(() =>
            store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), context, default));

        Assert.Equal((id, context.CommandId), (unknown.TodoId, unknown.CommandId));
        endpoint.Emulator.Faults.Clear();
        Assert.DoesNotContain(await store.DocumentsOfAsync(id), document => document.CommandId == context.CommandId);
    }

    [EmbeddedEmulatorFact]
    public async Task A_delete_all_whose_delete_of_one_todo_keeps_failing_deletes_the_others_and_says_how_many()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var others = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => store.CreateAsync($"todo {i}")));
        var unreachable = await store.CreateAsync("unreachable");
        InstallOnAppends(FaultOutcome.ServiceUnavailable, unreachable, next: null);

        var incomplete = await Assert.ThrowsAsync<DeleteAllIncompleteException>(() => store.Commands.DeleteAllAsync(TodoStoreHarness.NoWait(), default));

        Assert.Equal((4, 1), (incomplete.Deleted, incomplete.Failed));
        endpoint.Emulator.Faults.Clear();
        foreach (var id in others)
            Assert.Equal(nameof(TodoDeleted), (await store.Store.ReadStreamAsync(id, default))[^1].Type);
        Assert.Single(await store.Store.ReadStreamAsync(unreachable, default));
    }

    public void Dispose() => endpoint.Emulator?.Faults.Clear();

    /// <summary>
    /// Fails the first <paramref name="next"/> append batches to the todo (every one when null; to every new todo when
    /// <paramref name="todoId"/> is null).
    /// </summary>
    private void InstallOnAppends(FaultOutcome fault, Guid? todoId, int? next = 1) =>
        endpoint.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 9,
            Rules =
            [
                new FaultRule
                {
                    Operations = [FaultOperation.Batch],
                    Container = TodoStoreLayout.EventsContainer,
                    PartitionKey = todoId is { } id ? new JValue(id.ToString()) : null,
                    Next = next,
                    Outcome = fault,
                },
            ],
        });

    private static Task<CommandOutcome> RunAsync(TodoStoreHarness store, string command, Guid? existing, CommandContext context) => command switch
    {
        "create" => store.Commands.CreateAsync(new CreateTodo("walk the dog"), context, default),
        "update" => store.Commands.ExecuteAsync(existing!.Value, new UpdateTodo(Title: "walk the cat"), context, default),
        _ => store.Commands.ExecuteAsync(existing!.Value, new DeleteTodo(), context, default),
    };

    /// <summary>The command's events are stored exactly once, and the snapshot is the one its append wrote.</summary>
    private static async Task AssertAppendedOnceAsync(TodoStoreHarness store, TodoView todo, string commandId, int expectedEvents)
    {
        var documents = await store.DocumentsOfAsync(todo.Id);
        var ours = documents.Where(document => document.IsEvent && document.CommandId == commandId).Select(document => document.Version).Order();
        Assert.Equal(Enumerable.Range((int)todo.Version - expectedEvents + 1, expectedEvents).Select(version => (long)version), ours);
        Assert.Equal(todo.Version, documents.Count(document => document.IsEvent));
        var snapshot = Assert.Single(documents, document => !document.IsEvent);
        Assert.Equal((todo.Version, commandId), (snapshot.Version, snapshot.CommandId));
    }
}
