using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Projects events into the read model: shaped like a Cosmos DB trigger function (a batch of event documents in,
/// nothing out) and the only writer of the read-model container. Idempotent: each read document carries the
/// stream version it has applied, and events at or below it change nothing, so batches may be replayed.
/// </summary>
public sealed class TodoProjector(CosmosClient client, IOptions<TodoStoreOptions> options, EventStore store, ReadModelCatchUp catchUp)
{
    private const int ParallelTodos = 8;

    private readonly Container container = client.GetContainer(options.Value.DatabaseName, options.Value.ReadModelContainer);

    /// <summary>Applies a change-feed batch; snapshots are skipped because the events alone define the read model.</summary>
    public Task ProjectAsync(IReadOnlyList<EventDocument> batch, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            batch.Where(document => document.IsEvent).GroupBy(document => document.TodoId),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelTodos, CancellationToken = cancellationToken },
            async (stream, token) => await ProjectStreamAsync(stream.Key, [.. stream], token));

    private async Task ProjectStreamAsync(Guid todoId, IReadOnlyList<EventDocument> delivered, CancellationToken cancellationToken)
    {
        // A write loses only to another projector instance while leases move; re-reading picks up what it wrote.
        while (true)
        {
            var projected = await container.ReadOptionalAsync<TodoViewDocument>(todoId.ToString(), new PartitionKey(todoId.ToString()), cancellationToken) is { } stored
                ? stored.Document.ToStream(stored.ETag)
                : TodoStream.Unwritten(todoId);
            var pending = await PendingAsync(projected, delivered, cancellationToken);
            var next = pending.Aggregate(projected, (stream, document) => stream.Apply(TodoEventCodec.Decode(document), document.Timestamp));
            if (pending.Count == 0 || await TryWriteAsync(next, projected.ETag, cancellationToken))
            {
                catchUp.Projected(todoId, next.Version);
                return;
            }
        }
    }

    /// <summary>
    /// The delivered events not applied yet, in stream order. When delivery skips a version (a replay out of order, a
    /// feed that starts mid-stream) the missing events are read from the event store, so no event is ever skipped.
    /// </summary>
    private async Task<IReadOnlyList<EventDocument>> PendingAsync(
        TodoStream projected, IReadOnlyList<EventDocument> delivered, CancellationToken cancellationToken)
    {
        var pending = delivered
            .Where(document => document.Version > projected.Version)
            .DistinctBy(document => document.Version)
            .OrderBy(document => document.Version)
            .ToList();
        var contiguous = pending.Select((document, index) => document.Version == projected.Version + 1 + index).All(follows => follows);
        return contiguous ? pending : await store.ReadEventsAsync(projected.TodoId, projected.Version, cancellationToken);
    }

    private async Task<bool> TryWriteAsync(TodoStream stream, string? etag, CancellationToken cancellationToken)
    {
        var document = TodoViewDocument.From(stream);
        var partition = new PartitionKey(document.Id);
        var requestOptions = new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false };
        try
        {
            if (etag is null)
                await container.CreateItemAsync(document, partition, requestOptions, cancellationToken);
            else
                await container.ReplaceItemAsync(document, document.Id, partition, requestOptions, cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }
}
