using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos.Idempotency;

/// <summary>
/// The key records beside the events: a marker written before the work (a concurrent repeat sees it and gets 409),
/// replaced by the outcome (in the append's own batch when the request appends, on its own otherwise), deleted
/// when the request failed as unavailable so the client's retry runs again.
/// </summary>
public sealed class IdempotencyRecords
{
    private const int MaxStartAttempts = 3;
    private static readonly ItemRequestOptions WithoutContent = new() { EnableContentResponseOnWrite = false };

    private readonly Container container;
    private readonly TimeProvider clock;
    private readonly TodoStoreOptions options;

    internal IdempotencyRecords(CosmosClient client, IOptions<TodoStoreOptions> options, TimeProvider clock)
    {
        container = client.GetContainer(options.Value.DatabaseName, options.Value.EventsContainer);
        this.clock = clock;
        this.options = options.Value;
    }

    /// <summary>
    /// Claims the key with a new marker; when a record exists: the same request completed → replay it; another request
    /// → <see cref="IdempotencyKeyMismatchException"/>; still in flight → <see cref="IdempotencyKeyInFlightException"/>,
    /// unless its marker outlived the takeover timeout, which this request then replaces with its own.
    /// </summary>
    internal async Task<IdempotencyStart> BeginAsync(IdempotencyKey key, Guid partition, CancellationToken cancellationToken)
    {
        var partitionKey = PartitionOf(partition);
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var marker = IdempotencyRecord.Marker(key, partition, now, options.IdempotencyKeyExpiry);
            try
            {
                var created = await container.CreateItemAsync(marker, partitionKey, WithoutContent, cancellationToken);
                return new IdempotencyStart(new IdempotencyClaim(marker, created.ETag), null);
            }
            catch (CosmosException conflict) when (conflict.StatusCode == HttpStatusCode.Conflict)
            {
            }

            // Gone between the two requests (expired or released): claim it afresh.
            if (await container.ReadOptionalAsync<IdempotencyRecord>(key.RecordId, partitionKey, cancellationToken) is not { } existing) continue;
            var (record, etag) = existing;
            if (record.Fingerprint != key.Fingerprint) throw new IdempotencyKeyMismatchException();
            if (record.State == IdempotencyRecord.Completed) return new IdempotencyStart(null, record.Outcome);
            var age = now - record.StartedAt;
            if (age < options.IdempotencyTakeoverTimeout || attempt == MaxStartAttempts)
                throw new IdempotencyKeyInFlightException();
            try
            {
                var replaced = await container.ReplaceItemAsync(
                    marker, key.RecordId, partitionKey, new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false }, cancellationToken);
                return new IdempotencyStart(new IdempotencyClaim(marker, replaced.ETag), null);
            }
            catch (CosmosException raced) when (raced.StatusCode == HttpStatusCode.PreconditionFailed)
            {
            }
        }
    }

    /// <summary>Stores the outcome of a request that appended nothing (or many appends): replaces this request's marker.</summary>
    internal async Task CompleteAsync(IdempotencyClaim claim, StoredOutcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await container.ReplaceItemAsync(
                claim.Marker.CompletedWith(outcome), claim.Marker.Id, PartitionOf(claim.Marker.TodoId),
                new ItemRequestOptions { IfMatchEtag = claim.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
        }
        catch (CosmosException lost) when (lost.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new IdempotencyKeyTakenOverException();
        }
    }

    /// <summary>
    /// Deletes this request's marker so a retry runs again. Best effort: if the request's batch did commit, the marker's
    /// ETag moved and the delete is refused, as it should be; if the delete fails, the takeover timeout frees the key.
    /// </summary>
    internal async Task ReleaseAsync(IdempotencyClaim claim)
    {
        try
        {
            using var _ = await container.DeleteItemStreamAsync(
                claim.Marker.Id, PartitionOf(claim.Marker.TodoId), new ItemRequestOptions { IfMatchEtag = claim.ETag }, CancellationToken.None);
        }
        catch (Exception unavailable) when (unavailable is CosmosException or HttpRequestException or OperationCanceledException)
        {
        }
    }

    /// <summary>Whether the claim's marker is still in place, i.e. a refused append lost to another writer, not to a takeover.</summary>
    internal static async Task<bool> IsHeldAsync(Container container, IdempotencyClaim claim, CancellationToken cancellationToken) =>
        await container.ReadOptionalAsync<IdempotencyRecord>(claim.Marker.Id, PartitionOf(claim.Marker.TodoId), cancellationToken) is { } current
        && current.ETag == claim.ETag;

    private static PartitionKey PartitionOf(Guid partition) => new(partition.ToString());
}
