using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>
/// The append-only log. Each todo is one logical partition holding its events and a snapshot of the folded stream,
/// so a command loads with one point read and appends with one transactional batch whatever the stream's length.
/// </summary>
public sealed class EventStore(CosmosClient client, IOptions<TodoStoreOptions> options, TimeProvider clock)
{
    private static readonly TransactionalBatchItemRequestOptions WithoutContent = new() { EnableContentResponseOnWrite = false };

    private readonly Container container = client.GetContainer(options.Value.DatabaseName, options.Value.EventsContainer);

    /// <summary>Loads a stream for a command from its snapshot: one point read.</summary>
    public async Task<TodoStream> LoadAsync(Guid todoId, CancellationToken cancellationToken) =>
        await container.ReadOptionalAsync<EventDocument>(EventDocument.SnapshotId(todoId), PartitionOf(todoId), cancellationToken) is { } snapshot
            ? TodoEventCodec.DecodeSnapshot(snapshot.Document, snapshot.ETag)
            : TodoStream.Unwritten(todoId);

    /// <summary>
    /// Appends one command's events and the new snapshot in one transactional batch, provided the stream is still
    /// at <paramref name="stream"/>'s version. Returns the stream after the append, or <c>null</c> when another
    /// writer appended first, in which case nothing was written.
    /// </summary>
    public async Task<TodoStream?> TryAppendAsync(
        TodoStream stream, IReadOnlyList<TodoEvent> events, string correlationId, CancellationToken cancellationToken)
    {
        if (events.Count == 0) throw new ArgumentException("A command that changes nothing appends nothing.", nameof(events));

        var timestamp = clock.GetUtcNow();
        var batch = container.CreateTransactionalBatch(PartitionOf(stream.TodoId));
        var appended = stream;
        foreach (var @event in events)
        {
            appended = appended.Apply(@event, timestamp);
            batch.CreateItem(EventDocument.ForEvent(appended.TodoId, appended.Version, @event, timestamp, correlationId), WithoutContent);
        }

        // The snapshot is the guard: creating it fails if the stream exists, replacing it fails if the stream moved on.
        // The event ids {todoId}:{version} would collide too, so no version can ever be written twice.
        var snapshot = EventDocument.ForSnapshot(appended, timestamp, correlationId);
        if (stream.ETag is null)
            batch.CreateItem(snapshot, WithoutContent);
        else
            batch.ReplaceItem(snapshot.Id, snapshot, new TransactionalBatchItemRequestOptions { IfMatchEtag = stream.ETag, EnableContentResponseOnWrite = false });

        using var response = await batch.ExecuteAsync(cancellationToken);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed) return null;
        if (!response.IsSuccessStatusCode) throw new TransactionalBatchException(response);
        return appended with { ETag = response[response.Count - 1].ETag };
    }

    /// <summary>A todo's events in version order, also after it was deleted; empty for an unknown todo.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(Guid todoId, CancellationToken cancellationToken) =>
        [.. (await ReadEventsAsync(todoId, afterVersion: 0, cancellationToken)).Select(RecordedEvent.From)];

    internal Task<List<EventDocument>> ReadEventsAsync(Guid todoId, long afterVersion, CancellationToken cancellationToken) =>
        container.QueryAllAsync<EventDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind AND c.version > @after ORDER BY c.version")
                .WithParameter("@kind", EventDocument.EventKind)
                .WithParameter("@after", afterVersion),
            new QueryRequestOptions { PartitionKey = PartitionOf(todoId) },
            cancellationToken);

    /// <summary>The ids of every todo that is not deleted, from the snapshots: the write side's own truth.</summary>
    internal Task<List<Guid>> ListLiveTodoIdsAsync(CancellationToken cancellationToken) =>
        container.QueryAllAsync<Guid>(
            new QueryDefinition("SELECT VALUE c.todoId FROM c WHERE c.kind = @kind AND c.data.deleted = false")
                .WithParameter("@kind", EventDocument.SnapshotKind),
            null,
            cancellationToken);

    private static PartitionKey PartitionOf(Guid todoId) => new(todoId.ToString());
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
