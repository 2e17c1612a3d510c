using System.Text.Json;
using System.Runtime.ExceptionServices;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>
/// The append-only log. Each todo is one logical partition holding its events and a snapshot of the folded stream,
/// so a command loads with one point read and appends with one transactional batch whatever the stream's length.
/// </summary>
public sealed class EventStore
{
    /// <summary>Appends of a batch whose answers were lost and which then proved not written.</summary>
    private const int MaxAppendAttempts = 3;

    private static readonly TransactionalBatchItemRequestOptions WithoutContent = new() { EnableContentResponseOnWrite = false };

    private readonly Container container;
    private readonly TodoEventCodec codec;
    private readonly TimeProvider clock;
    private readonly AppendResolution resolution;

    internal EventStore(CosmosClient client, IOptions<TodoStoreOptions> options, TodoEventCodec codec, TimeProvider clock)
    {
        container = client.GetContainer(options.Value.DatabaseName, options.Value.EventsContainer);
        this.codec = codec;
        this.clock = clock;
        resolution = new AppendResolution(container);
    }

    /// <summary>
    /// Loads a stream for a command: one point read of its snapshot, or, when this code's fold cannot use the
    /// snapshot (another fold wrote it), one query folding its events; either way guarded by the snapshot's ETag,
    /// so the next append rewrites the snapshot as this fold.
    /// </summary>
    public async Task<TodoStream> LoadAsync(Guid todoId, CancellationToken cancellationToken)
    {
        if (await container.ReadOptionalAsync<EventDocument>(EventDocument.SnapshotId(todoId), PartitionOf(todoId), cancellationToken) is not { } snapshot)
            return TodoStream.Unwritten(todoId);
        return codec.DecodeSnapshot(snapshot.Document, snapshot.ETag)
            ?? codec.Fold(TodoStream.Unwritten(todoId), (await ReadEventsAsync(todoId, afterVersion: 0, cancellationToken)).Readable())
                with { ETag = snapshot.ETag };
    }

    /// <summary>
    /// Appends one command's events, stamped with its command id, and the new snapshot in one transactional batch,
    /// provided the stream is still at <paramref name="stream"/>'s version. Returns the stream after the append, or
    /// <c>null</c> when another writer appended first, in which case nothing of this command was written.
    /// An answer that was lost (408, 503, timeout, dropped connection) is resolved by reading whose command the
    /// stream holds at the next version, never guessed; when that read fails too, <see cref="WriteOutcomeUnknownException"/>.
    /// </summary>
    public async Task<TodoStream?> TryAppendAsync(
        TodoStream stream, IReadOnlyList<TodoEvent> events, CommandContext command, CancellationToken cancellationToken)
    {
        if (events.Count == 0) throw new ArgumentException("A command that changes nothing appends nothing.", nameof(events));

        var timestamp = clock.GetUtcNow();
        var appended = stream;
        var documents = new List<EventDocument>(events.Count);
        foreach (var @event in events)
        {
            appended = appended.Apply(@event, timestamp);
            documents.Add(codec.EventFor(appended.TodoId, appended.Version, @event, timestamp, command));
        }
        var snapshot = codec.SnapshotFor(appended, timestamp, command);
        // Our append committed, but its answer (and the snapshot's new ETag) was lost: the stream keeps the ETag it was
        // appended from, which no longer matches, so appending from it again loses the race and reloads.
        var answerLost = appended with { ETag = stream.ETag };

        for (var attempt = 1; ; attempt++)
        {
            var answer = await AppendResolution.ExecuteAsync(BatchOf(stream, documents, snapshot, command.Idempotency, appended), cancellationToken);
            if (answer is BatchAnswer.Committed committed)
            {
                command.Idempotency?.MarkCompletedByAppend();
                return appended with { ETag = committed.ETag };
            }

            var holder = await resolution.HolderAsync(stream.TodoId, stream.Version + 1, command.CommandId, answer.SessionToken, cancellationToken);
            if (holder == VersionHolder.ThisCommand)
            {
                command.Idempotency?.MarkCompletedByAppend();
                return answerLost;
            }
            if (answer is BatchAnswer.Refused && command.Idempotency is { } claim)
            {
                switch (await IdempotencyRecords.StandingAsync(container, claim, cancellationToken))
                {
                    // Only this attempt's batch completes the record with its command id: the read of the event missed it (a lagging replica).
                    case KeyStanding.CompletedByThisAttempt:
                        claim.MarkCompletedByAppend();
                        return answerLost;
                    // The key's marker moved rather than the stream: a retry took the key over, and re-deciding would not help.
                    case KeyStanding.TakenOver:
                        throw new IdempotencyKeyTakenOverException();
                }
            }
            // A refusal by the version guard wrote nothing; neither did an unanswered append whose version another holds.
            if (answer is BatchAnswer.Refused || holder == VersionHolder.AnotherCommand) return null;
            // Provably not written (yet): the version guard lets a late commit of the lost attempt or the re-append
            // through, never both, and the next answer is resolved the same way.
            // After the last attempt, "not there" may still be a late commit, or a replica behind a write whose answer
            // carried no session token: unknown, not "retry".
            if (attempt == MaxAppendAttempts)
                throw new WriteOutcomeUnknownException(stream.TodoId, command.CommandId, ((BatchAnswer.Lost)answer).Failure);
        }
    }

    /// <summary>
    /// The batch: the command's events, then the snapshot, which is the guard: creating it fails if the stream exists,
    /// replacing it fails if the stream moved on. The event ids {todoId}:{version} would collide too, so no version
    /// can ever be written twice. A keyed command's batch first replaces its key's marker with the completed record,
    /// guarded by the marker's ETag, so the events commit only while this request owns the key, and never without it.
    /// The snapshot stays last: its ETag is the batch's answer.
    /// </summary>
    private TransactionalBatch BatchOf(
        TodoStream stream, IReadOnlyList<EventDocument> documents, EventDocument snapshot, IdempotencyClaim? claim, TodoStream appended)
    {
        var batch = container.CreateTransactionalBatch(PartitionOf(stream.TodoId));
        if (claim is not null)
            batch.ReplaceItem(claim.Marker.Id, claim.Marker.CompletedWith(StoredOutcome.Of(new CommandOutcome.Succeeded(appended.ToView(), false))),
                new TransactionalBatchItemRequestOptions { IfMatchEtag = claim.ETag, EnableContentResponseOnWrite = false });
        foreach (var document in documents)
            batch.CreateItem(document, WithoutContent);
        return stream.ETag is null
            ? batch.CreateItem(snapshot, WithoutContent)
            : batch.ReplaceItem(snapshot.Id, snapshot, new TransactionalBatchItemRequestOptions { IfMatchEtag = stream.ETag, EnableContentResponseOnWrite = false });
    }

    /// <summary>A todo's events in version order, also after it was deleted; empty for an unknown todo.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(Guid todoId, CancellationToken cancellationToken) =>
        [.. (await ReadEventsAsync(todoId, afterVersion: 0, cancellationToken)).Readable().Select(RecordedEvent.From)];

    /// <summary>
    /// One page of a todo's events, from <paramref name="fromVersion"/> on in version order: at most
    /// <paramref name="limit"/> events, read as a keyset (<c>TOP limit+1</c> from that version), so a page costs the same
    /// wherever it starts in the stream. <c>null</c> for an unknown todo; an empty page past the end of a known one.
    /// </summary>
    public async Task<EventPage?> ReadStreamPageAsync(Guid todoId, long fromVersion, int limit, CancellationToken cancellationToken)
    {
        var events = (await QueryEventsAsync(
            todoId,
            new QueryDefinition("SELECT TOP @top * FROM c WHERE c.kind = @kind AND c.version >= @from ORDER BY c.version")
                .WithParameter("@top", limit + 1)
                .WithParameter("@from", fromVersion),
            limit + 1,
            cancellationToken)).Readable();
        // Read after the events: an empty page of a stream that starts at version 1 says nothing of the todo, its snapshot
        // does; and a snapshot that says purged (rewritten in TodoPurged's batch) masks what the in-place masking has not reached yet.
        var snapshot = await ReadSnapshotAsync(todoId, cancellationToken);
        if (events.Count == 0 && (fromVersion <= 1 || snapshot is null))
            return null;
        var shown = events.Take(limit).Select(RecordedEvent.From).Select(recorded => IsPurged(snapshot) ? PersonalEventFields.Masked(recorded) : recorded);
        return new EventPage([.. shown], events.Count > limit ? events[limit].Version : null);
    }

    /// <summary>
    /// Whether the stream holds <see cref="TodoPurged"/>: one point read of its snapshot, which the purge's batch rewrote.
    /// A read of the log that asks this after reading its events shows no title once the purge is appended, masked in place or not.
    /// </summary>
    internal async Task<bool> IsPurgedAsync(Guid todoId, CancellationToken cancellationToken) => IsPurged(await ReadSnapshotAsync(todoId, cancellationToken));

    private async Task<EventDocument?> ReadSnapshotAsync(Guid todoId, CancellationToken cancellationToken) =>
        (await container.ReadOptionalAsync<EventDocument>(EventDocument.SnapshotId(todoId), PartitionOf(todoId), cancellationToken))?.Document;

    private static bool IsPurged(EventDocument? snapshot) =>
        snapshot is not null && snapshot.Data.ValueKind == JsonValueKind.Object
        && snapshot.Data.TryGetProperty("purged", out var purged) && purged.ValueKind == JsonValueKind.True;

    /// <summary>
    /// A stream's events after <paramref name="afterVersion"/>, each read on its own from raw JSON as the projector reads
    /// the change feed: the readable ones up to the first document that is not a readable event, and that document.
    /// </summary>
    internal Task<StoredEvents> ReadEventsAsync(Guid todoId, long afterVersion, CancellationToken cancellationToken) =>
        QueryEventsAsync(
            todoId,
            new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind AND c.version > @after ORDER BY c.version").WithParameter("@after", afterVersion),
            pageSize: null,
            cancellationToken);

    /// <summary>
    /// The events a query over one stream selects (<c>@kind</c> is bound here), every page of it, read as
    /// <see cref="ReadEventsAsync"/> reads them.
    /// </summary>
    internal async Task<StoredEvents> QueryEventsAsync(Guid todoId, QueryDefinition query, int? pageSize, CancellationToken cancellationToken)
    {
        var documents = await container.QueryAllAsync<JsonElement>(
            query.WithParameter("@kind", EventDocument.EventKind),
            new QueryRequestOptions { PartitionKey = PartitionOf(todoId), MaxItemCount = pageSize },
            cancellationToken);
        var events = new List<EventDocument>(documents.Count);
        foreach (var document in documents)
        {
            switch (DeliveredChanges.ReadOne(document))
            {
                case EventDocument @event:
                    events.Add(@event);
                    break;
                case UnreadableEvent unreadable:
                    return new StoredEvents(events, unreadable);
            }
        }
        return new StoredEvents(events, null);
    }

    /// <summary>
    /// Whether a todo's stream holds an event appended under a command id that starts with <paramref name="commandIdPrefix"/>:
    /// one query of its partition. The snapshot names only the last command, so it cannot tell. Asked after loading the
    /// stream, the query carries that read's session token and so sees at least the events of the version loaded.
    /// </summary>
    internal async Task<bool> HoldsCommandAsync(Guid todoId, string commandIdPrefix, CancellationToken cancellationToken) =>
        (await container.QueryAllAsync<long>(
            new QueryDefinition("SELECT TOP 1 VALUE c.version FROM c WHERE c.kind = @kind AND STARTSWITH(c.commandId, @prefix)")
                .WithParameter("@kind", EventDocument.EventKind)
                .WithParameter("@prefix", commandIdPrefix),
            new QueryRequestOptions { PartitionKey = PartitionOf(todoId), MaxItemCount = 1 },
            cancellationToken)).Count > 0;

    /// <summary>
    /// The ids of every todo that is not deleted, from the snapshots: the write side's own truth; with
    /// <paramref name="createdBy"/>, only those created by then.
    /// </summary>
    internal Task<List<Guid>> ListLiveTodoIdsAsync(DateTimeOffset? createdBy, CancellationToken cancellationToken)
    {
        const string live = "SELECT VALUE c.todoId FROM c WHERE c.kind = @kind AND c.data.deleted = false";
        var query = createdBy is { } cutoff
            ? new QueryDefinition(live + " AND c.data.createdAt <= @createdBy").WithParameter("@createdBy", cutoff)
            : new QueryDefinition(live);
        return container.QueryAllAsync<Guid>(query.WithParameter("@kind", EventDocument.SnapshotKind), null, cancellationToken);
    }

    /// <summary>The events container's partition of a todo's stream, or of a key record that belongs to no todo.</summary>
    internal static PartitionKey PartitionOf(Guid partition) => new(partition.ToString());
}

/// <summary>A transactional batch refused for a reason other than a lost race, e.g. throttling (429) beyond the SDK's retries.</summary>
public sealed class TransactionalBatchException(TransactionalBatchResponse response) : CosmosException(
    response.ErrorMessage ?? $"The transactional batch failed with status {(int)response.StatusCode}.",
    response.StatusCode,
    subStatusCode: 0,
    response.ActivityId,
    response.RequestCharge)
{
    private readonly Headers headers = response.Headers;
    private readonly TimeSpan? retryAfter = response.RetryAfter;
    private readonly CosmosDiagnostics diagnostics = response.Diagnostics;

    public override Headers Headers => headers;
    public override TimeSpan? RetryAfter => retryAfter;
    public override CosmosDiagnostics Diagnostics => diagnostics;
}

/// <summary>One page of a stream's events; <see cref="NextVersion"/> is where the next page starts, <c>null</c> on the last page.</summary>
public sealed record EventPage(IReadOnlyList<RecordedEvent> Events, long? NextVersion);

/// <summary>A stream's events as read from the log, up to <see cref="Unreadable"/>, the first document that is not a readable event.</summary>
internal sealed record StoredEvents(IReadOnlyList<EventDocument> Events, UnreadableEvent? Unreadable)
{
    /// <summary>The events, for a caller that cannot work around a damaged log: an unreadable document fails it.</summary>
    public IReadOnlyList<EventDocument> Readable() => Unreadable is { } unreadable
        ? throw new InvalidDataException($"Todo {unreadable.TodoId}: the log holds {unreadable.Error} (version {unreadable.Version?.ToString() ?? "unknown"}).")
        : Events;
}
