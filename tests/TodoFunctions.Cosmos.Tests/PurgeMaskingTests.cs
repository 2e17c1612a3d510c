using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Domain;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// A purge masks the todo's title in place in its partition of the events container: every event keeps its envelope,
/// none is deleted, and what the append alone left unmasked the projector's pass over <see cref="TodoPurged"/> finishes.
/// </summary>
public sealed class PurgeMaskingTests(CosmosEndpoint endpoint, ITestOutputHelper output) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task A_purge_masks_every_personal_field_and_keyed_answer_in_place_and_deletes_no_event()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var secret = Secret();
        var id = await store.CreateAsync($"{secret} first");
        var rename = Key("PATCH", id, $"{{\"title\":\"{secret} second\"}}");
        await store.Idempotent.ExecuteAsync(rename, id, new UpdateTodo(Title: $"{secret} second"), TodoStoreHarness.NoWait(), default);
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default);
        var before = await RawDocumentsAsync(store, id);
        Assert.Contains(before, document => document.GetRawText().Contains(secret));

        var purged = await store.Purge.PurgeAsync(null, id, TodoStoreHarness.NoWait(), default);

        Assert.IsType<CommandOutcome.Succeeded>(purged.Outcome);
        var after = await RawDocumentsAsync(store, id);
        Assert.DoesNotContain(after, document => document.GetRawText().Contains(secret));
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Equal([.. Envelopes(before), (EventDocument.EventId(id, 5), 5L, nameof(TodoPurged))], Envelopes(after));
        var events = after.Where(document => document.GetProperty("kind").GetString() == EventDocument.EventKind).OrderBy(document => document.GetProperty("version").GetInt64()).ToList();
        Assert.All(events.Take(2), masked => Assert.Equal(Todo.PurgedTitle, masked.GetProperty("data").GetProperty("title").GetString()));
        Assert.Equal(
            before.Where(document => document.GetProperty("kind").GetString() == EventDocument.EventKind).Select(Stamp).Order(),
            events.Take(4).Select(Stamp).Order());
        var snapshot = after.Single(document => document.GetProperty("kind").GetString() == EventDocument.SnapshotKind);
        Assert.Equal(Todo.PurgedTitle, snapshot.GetProperty("data").GetProperty("title").GetString());
        Assert.True(snapshot.GetProperty("data").GetProperty("purged").GetBoolean());

        Assert.DoesNotContain(after, document => document.GetRawText().Contains(rename.Fingerprint));
        await Assert.ThrowsAsync<IdempotencyKeyMismatchException>(
            () => store.Idempotent.ExecuteAsync(rename, id, new UpdateTodo(Title: $"{secret} second"), TodoStoreHarness.NoWait(), default));
    }

    [Fact]
    public async Task A_keyed_request_sent_after_the_purge_keeps_its_fingerprint_through_a_later_masking_pass_and_still_replays()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync(Secret());
        await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default);
        await store.Purge.PurgeAsync(null, id, TodoStoreHarness.NoWait(), default);
        var title = Secret();
        var late = Key("PUT", id, $"{{\"title\":\"{title}\",\"completed\":false}}");
        var replace = new UpdateTodo(Title: title, Completed: false);
        var first = await store.Idempotent.ExecuteAsync(late, id, replace, TodoStoreHarness.NoWait(), default);

        // The projector's pass over TodoPurged, which the change feed may deliver (or deliver again) long after the purge.
        await store.Projector.ProjectAsync([.. (await store.DocumentsOfAsync(id)).Where(document => document.Kind != IdempotencyRecord.RecordKind)], default);
        var again = await store.Idempotent.ExecuteAsync(late, id, replace, TodoStoreHarness.NoWait(), default);

        Assert.Equal(RejectionReason.Purged, Assert.IsType<CommandOutcome.Rejected>(first.Outcome).Reason);
        Assert.True(again.Replayed);
        Assert.Equal(first.Outcome, again.Outcome);
    }

    [Fact]
    public async Task Once_TodoPurged_is_appended_the_log_and_the_past_show_no_title_before_the_masking_in_place()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var secret = Secret();
        var id = await store.CreateAsync(secret);
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: $"{secret} second"), TodoStoreHarness.NoWait(), default);
        await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default);
        Assert.Equal(secret, (await store.History.AtVersionAsync(id, 1, default))!.Todo!.Title);

        // The append alone, as a crash right after it (or a lagging projector) would leave the partition.
        await store.Commands.ExecuteAsync(id, new PurgeTodo(), TodoStoreHarness.NoWait(), default);
        Assert.Contains(await RawDocumentsAsync(store, id), document => document.GetRawText().Contains(secret));

        var page = await store.Store.ReadStreamPageAsync(id, 1, 100, default);
        Assert.Equal([nameof(TodoCreated), nameof(TodoTitleUpdated), nameof(TodoDeleted), nameof(TodoPurged)], page!.Events.Select(recorded => recorded.Type));
        Assert.All(page.Events, recorded => Assert.DoesNotContain(secret, recorded.Data.GetRawText()));
        Assert.Equal(Todo.PurgedTitle, page.Events[0].Data.GetProperty("title").GetString());
        var past = await store.History.AtVersionAsync(id, 1, default);
        Assert.True(past!.PurgedSince);
        Assert.Null(past.Todo);
        Assert.True((await store.History.AsOfAsync(id, DateTimeOffset.MaxValue, default))!.PurgedSince);
    }

    [Fact]
    public async Task A_masking_cut_short_after_the_append_is_finished_by_the_projector_applying_TodoPurged()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var secret = Secret();
        var id = await store.CreateAsync(secret);
        await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default);
        // The append alone, as a crash right after it would leave the partition.
        await store.Commands.ExecuteAsync(id, new PurgeTodo(), TodoStoreHarness.NoWait(), default);
        Assert.Contains(await RawDocumentsAsync(store, id), document => document.GetRawText().Contains(secret));

        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(id), default);

        Assert.DoesNotContain(await RawDocumentsAsync(store, id), document => document.GetRawText().Contains(secret));
        var read = await store.ReadContainer.ReadItemAsync<JsonElement>(id.ToString(), new PartitionKey(id.ToString()));
        Assert.DoesNotContain(secret, read.Resource.GetRawText());
        Assert.True(read.Resource.GetProperty("purged").GetBoolean());
    }

    [Fact]
    public async Task Masking_a_purged_todo_again_writes_nothing_and_refuses_the_purge_as_not_in_the_trash()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync(Secret());
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: Secret()), TodoStoreHarness.NoWait(), default);
        await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default);
        await store.Purge.PurgeAsync(null, id, TodoStoreHarness.NoWait(), default);
        var before = await RawDocumentsAsync(store, id);

        var tally = store.Requests.Measure();
        var again = await store.Purge.PurgeAsync(null, id, TodoStoreHarness.NoWait(), default);

        Assert.Equal(RejectionReason.Purged, Assert.IsType<CommandOutcome.Rejected>(again.Outcome).Reason);
        Assert.DoesNotContain(tally.Requests, request => request.StartsWith("PUT") || request.StartsWith("DELETE"));
        Assert.Equal(before.Select(document => document.GetProperty("_etag").GetString()), (await RawDocumentsAsync(store, id)).Select(document => document.GetProperty("_etag").GetString()));
    }

    [Fact]
    public async Task An_older_builds_document_in_the_read_container_no_projector_writes_is_removed_and_the_live_one_kept()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var secret = Secret();
        var id = await store.CreateAsync(secret);
        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(id), default);
        var leftover = await store.ReadContainer.ReadItemAsync<JsonElement>(id.ToString(), new PartitionKey(id.ToString()));
        await store.AlternateReadContainer.CreateItemAsync(leftover.Resource, new PartitionKey(id.ToString()));
        await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default);

        await store.Purge.PurgeAsync(null, id, TodoStoreHarness.NoWait(), default);
        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(id), default);

        using var gone = await store.AlternateReadContainer.ReadItemStreamAsync(id.ToString(), new PartitionKey(id.ToString()));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
        var live = await store.ReadContainer.ReadItemAsync<JsonElement>(id.ToString(), new PartitionKey(id.ToString()));
        Assert.DoesNotContain(secret, live.Resource.GetRawText());
        Assert.Equal(3, live.Resource.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_purge_costs_the_append_two_partition_queries_one_replace_per_titled_document_and_two_point_reads()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync(Secret());
        var rename = Key("PATCH", id, "{}");
        await store.Idempotent.ExecuteAsync(rename, id, new UpdateTodo(Title: Secret()), TodoStoreHarness.NoWait(), default);
        await store.Commands.ExecuteAsync(id, new DeleteTodo(), TodoStoreHarness.NoWait(), default);

        var purge = store.Requests.Measure();
        await store.Purge.PurgeAsync(null, id, TodoStoreHarness.NoWait(), default);
        var again = store.Requests.Measure();
        await store.Purge.PurgeAsync(null, id, TodoStoreHarness.NoWait(), default);

        output.WriteLine($"purge of a todo with 2 titled events and 1 keyed answer: {purge.RoundTrips} round trips, {purge.RequestCharge:0.##} RU");
        output.WriteLine($"purge of that todo again (masking finds nothing): {again.RoundTrips} round trips, {again.RequestCharge:0.##} RU");
        // Snapshot read and batch; events query and 2 replaces; records query and 1 replace; pointer and other container read.
        Assert.Equal(9, purge.RoundTrips);
        Assert.Equal(5, again.RoundTrips);
    }

    private static string Secret() => $"secret-{Guid.NewGuid():N}";

    private static IdempotencyKey Key(string method, Guid id, string body) =>
        new(method, $"/api/todos/{id}", Guid.NewGuid().ToString(), IdempotencyKey.FingerprintOf(method, $"/api/todos/{id}", System.Text.Encoding.UTF8.GetBytes(body)));

    /// <summary>Every document of the todo's partition as stored, events, snapshot and key records alike.</summary>
    private static async Task<List<JsonElement>> RawDocumentsAsync(TodoStoreHarness store, Guid id)
    {
        var documents = new List<JsonElement>();
        using var iterator = store.Events.GetItemQueryIterator<JsonElement>(
            "SELECT * FROM c", requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(id.ToString()) });
        while (iterator.HasMoreResults) documents.AddRange(await iterator.ReadNextAsync());
        return [.. documents.OrderBy(document => document.GetProperty("id").GetString(), StringComparer.Ordinal)];
    }

    private static IEnumerable<(string Id, long Version, string Type)> Envelopes(IEnumerable<JsonElement> documents) =>
        documents.Where(document => document.GetProperty("kind").GetString() == EventDocument.EventKind)
            .Select(document => (document.GetProperty("id").GetString()!, document.GetProperty("version").GetInt64(), document.GetProperty("type").GetString()!))
            .OrderBy(envelope => envelope.Item2);

    /// <summary>What masking must keep of an event: everything but its payload.</summary>
    private static string Stamp(JsonElement document) => string.Join("|",
        new[] { "id", "version", "type", "schemaVersion", "timestamp", "correlationId", "commandId" }.Select(name => document.GetProperty(name).ToString()));
}
