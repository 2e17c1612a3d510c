using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// A release with another event schema or fold runs on documents an earlier (or later) release wrote: commands fold
/// the events when the snapshot is not their fold's and rewrite it with their append; older events are upcast.
/// </summary>
public sealed class SchemaEvolutionTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task After_a_schema_bump_commands_on_todos_of_the_previous_release_succeed_rewrite_the_snapshot_as_the_new_fold_and_nothing_is_parked()
    {
        await using var today = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await today.CreateAsync("walk the dog");
        await today.Commands.ExecuteAsync(id, new UpdateTodo(Order: 4), TodoStoreHarness.NoWait(), default);
        await MisstateSnapshotAsync(today, id);
        var upcasts = 0;
        var bumped = EventSchema.Current.WithUpcaster(nameof(TodoOrderUpdated), stored =>
        {
            Interlocked.Increment(ref upcasts);
            return stored;
        }) with { FoldVersion = EventSchema.Current.FoldVersion + 1 };
        await using var next = await TodoStoreHarness.StartAsync(endpoint, withProjector: true, databaseName: today.DatabaseName, schema: bumped);

        var outcome = await next.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true, Order: 5), TodoStoreHarness.NoWait(), default);

        var todo = Assert.IsType<CommandOutcome.Succeeded>(outcome).Todo;
        Assert.Equal(("walk the dog", true, (int?)5, 4L), (todo.Title, todo.Completed, todo.Order, todo.Version));
        var documents = await next.DocumentsOfAsync(id);
        var snapshot = Assert.Single(documents, document => !document.IsEvent);
        Assert.Equal((4L, (int?)bumped.FoldVersion), (snapshot.Version, snapshot.FoldVersion));
        // Each type keeps its own version: only the bumped type's new event is written at its new version.
        Assert.Equal(
            [(nameof(TodoCreated), 2), (nameof(TodoOrderUpdated), 1), (nameof(TodoCompleted), 1), (nameof(TodoOrderUpdated), 2)],
            documents.Where(document => document.IsEvent).OrderBy(document => document.Version).Select(document => (document.Type, document.SchemaVersion)));
        await TodoStoreHarness.EventuallyAsync(async () => await next.ReadModel.GetAsync(id, default) == todo);
        Assert.True(upcasts > 0);
        Assert.Empty(next.Poison.Recorded);
        Assert.Empty(await next.Admin.ListParkedAsync(default));
    }

    [Fact]
    public async Task An_event_from_a_newer_release_is_unavailable_to_commands_parked_by_the_projector_with_its_reason_and_resumed_by_a_release_that_reads_it()
    {
        // A newer release that changed TodoCreated and its fold: this release folds the events and cannot read the first.
        var newer = EventSchema.Current.WithUpcaster(nameof(TodoCreated), stored => stored) with { FoldVersion = EventSchema.Current.FoldVersion + 1 };
        await using var next = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, schema: newer);
        var id = await next.CreateAsync("walk the dog");
        await using var current = await TodoStoreHarness.StartAsync(
            endpoint, withProjector: false, databaseName: next.DatabaseName, projectionProgressTimeout: TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAsync<EventFromNewerReleaseException>(() =>
            current.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default));
        await current.Projector.ProjectAsync(await current.DocumentsOfAsync(id), default);

        // Not poison: nothing goes to the dead letters (which would keep the title for good); the parked list says why.
        Assert.Empty(current.Poison.Recorded);
        var parked = Assert.Single(await current.Admin.ListParkedAsync(default));
        Assert.Equal((id, 1L, nameof(TodoCreated)), (parked.TodoId, parked.ParkedAtVersion, parked.EventType));
        Assert.Contains("schema v3 of TodoCreated is newer than this release reads (v2)", parked.Error);
        Assert.Single(await current.DocumentsOfAsync(id), document => document.IsEvent);

        await next.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        await current.Projector.ProjectAsync(await current.DocumentsOfAsync(id), default);
        Assert.Single(await current.Admin.ListParkedAsync(default));

        await next.Projector.ProjectAsync(await next.DocumentsOfAsync(id), default);

        Assert.Empty(await next.Admin.ListParkedAsync(default));
        var resumed = await next.ReadModel.GetAsync(id, default);
        Assert.Equal(("walk the dog", true, 2L, (long?)null), (resumed!.Title, resumed.Completed, resumed.Version, resumed.ParkedAtVersion));
        Assert.Empty(current.Poison.Recorded);
    }

    [Fact]
    public async Task A_todo_parked_at_a_newer_release_event_resumes_when_that_release_is_sent_only_events_it_had_already_applied()
    {
        var newer = EventSchema.Current.WithUpcaster(nameof(TodoCreated), stored => stored) with { FoldVersion = EventSchema.Current.FoldVersion + 1 };
        await using var next = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, schema: newer);
        var id = await next.CreateAsync("walk the dog");
        await using var current = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, databaseName: next.DatabaseName);
        await current.Projector.ProjectAsync(await current.DocumentsOfAsync(id), default);
        await next.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        await current.Projector.ProjectAsync(await current.DocumentsOfAsync(id), default);
        Assert.Single(await current.Admin.ListParkedAsync(default));

        // A replay, a takeover's batch boundary or a purge's masked events: the newer release sees v1 again, alone.
        await next.Projector.ProjectAsync([Assert.Single(await next.DocumentsOfAsync(id), document => document.IsEvent && document.Version == 1)], default);

        var resumed = await next.ReadModel.GetAsync(id, default);
        Assert.Equal(("walk the dog", true, 2L, (long?)null), (resumed!.Title, resumed.Completed, resumed.Version, resumed.ParkedAtVersion));
    }

    [Fact]
    public async Task An_event_type_this_release_does_not_know_is_a_newer_release_s_unavailable_to_commands_and_history_parked_without_a_dead_letter_and_resumed_at_the_next_release_s_start()
    {
        // A newer release that renamed TodoTitleUpdated to TodoTitleRenamed (reading the old name through an upcaster) and changed its fold.
        const string renamed = "TodoTitleRenamed";
        var newer = EventSchema.Current with
        {
            FoldVersion = EventSchema.Current.FoldVersion + 1,
            Upcasters = new Dictionary<string, IReadOnlyList<Func<StoredEventData, StoredEventData>>>(EventSchema.Current.Upcasters)
            {
                [renamed] = [stored => stored with { Type = nameof(TodoTitleUpdated) }],
            },
        };
        await using var current = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, projectionProgressTimeout: TimeSpan.FromMilliseconds(300));
        var id = await current.CreateAsync("walk the dog");
        await current.Projector.ProjectAsync(await current.DocumentsOfAsync(id), default);
        await current.AppendForeignEventAsync(
            TodoStoreHarness.ForeignEvent(id, 2, renamed, data: """{"title":"walk the cat"}"""), snapshot => snapshot["title"] = "walk the cat");
        await ChangeSnapshotAsync(current, id, snapshot => snapshot with { FoldVersion = newer.FoldVersion });

        await Assert.ThrowsAsync<EventFromNewerReleaseException>(() =>
            current.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default));
        await Assert.ThrowsAsync<EventFromNewerReleaseException>(() => current.History.AtVersionAsync(id, 2, default));
        await current.Projector.ProjectAsync(await current.DocumentsOfAsync(id), default);

        Assert.Empty(current.Poison.Recorded);
        var parked = Assert.Single(await current.Admin.ListParkedAsync(default));
        Assert.Equal((2L, renamed), (parked.ParkedAtVersion, parked.EventType));
        Assert.Contains($"the event type {renamed} (schema v1) is unknown to this release", parked.Error);
        Assert.Empty(await current.Admin.ResumeNewerSchemaParksAsync(default));

        await using var next = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, databaseName: current.DatabaseName, schema: newer);

        Assert.Equal([id], await next.Admin.ResumeNewerSchemaParksAsync(default));
        var resumed = await next.ReadModel.GetAsync(id, default);
        Assert.Equal(("walk the cat", 2L, (long?)null), (resumed!.Title, resumed.Version, resumed.ParkedAtVersion));
        Assert.Empty(await next.Admin.ListParkedAsync(default));
    }

    [Fact]
    public async Task After_a_rollback_a_snapshot_from_a_newer_fold_is_not_trusted_the_events_are_folded_and_the_snapshot_rewritten()
    {
        var newerFold = EventSchema.Current with { FoldVersion = EventSchema.Current.FoldVersion + 1 };
        await using var newer = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, schema: newerFold);
        var id = await newer.CreateAsync("walk the dog");
        await MisstateSnapshotAsync(newer, id);
        await using var rolledBack = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, databaseName: newer.DatabaseName);

        var outcome = await rolledBack.Commands.ExecuteAsync(id, new UpdateTodo(Order: 1), TodoStoreHarness.NoWait(), default);

        var todo = Assert.IsType<CommandOutcome.Succeeded>(outcome).Todo;
        Assert.Equal(("walk the dog", (int?)1, 2L), (todo.Title, todo.Order, todo.Version));
        var snapshot = Assert.Single(await rolledBack.DocumentsOfAsync(id), document => !document.IsEvent);
        Assert.Equal((2L, (int?)EventSchema.Current.FoldVersion), (snapshot.Version, snapshot.FoldVersion));
    }

    [Fact]
    public async Task A_snapshot_whose_data_does_not_read_as_this_fold_is_replaced_by_folding_the_events()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        await ChangeSnapshotAsync(store, id, snapshot => snapshot with { Data = JsonDocument.Parse("""{"title":5}""").RootElement.Clone() });

        var outcome = await store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);

        var todo = Assert.IsType<CommandOutcome.Succeeded>(outcome).Todo;
        Assert.Equal(("walk the dog", true, 2L), (todo.Title, todo.Completed, todo.Version));
        Assert.Equal("walk the dog", (await store.Store.LoadAsync(id, default)).State!.Title);
    }

    /// <summary>
    /// Gives the snapshot a title the events never had, as a fold that reads the events differently would: a command
    /// that still shows the events' title did not take its state from the snapshot.
    /// </summary>
    private static Task MisstateSnapshotAsync(TodoStoreHarness store, Guid id) =>
        ChangeSnapshotAsync(store, id, snapshot =>
        {
            var data = JsonSerializer.SerializeToNode(snapshot.Data)!.AsObject();
            data["title"] = "as another fold sees it";
            return snapshot with { Data = JsonSerializer.SerializeToElement(data) };
        });

    private static async Task ChangeSnapshotAsync(TodoStoreHarness store, Guid id, Func<EventDocument, EventDocument> change)
    {
        var partition = new PartitionKey(id.ToString());
        var snapshot = (await store.Events.ReadItemAsync<EventDocument>(EventDocument.SnapshotId(id), partition)).Resource;
        await store.Events.ReplaceItemAsync(change(snapshot), snapshot.Id, partition);
    }
}
