using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos.Idempotency;

/// <summary>
/// The key records beside the events: a marker written before the work (a concurrent repeat sees it and gets 409),
/// replaced by the outcome (in the append's own batch when the request appends, on its own otherwise), deleted
/// when the request failed as unavailable so the client's retry runs again (a delete-all's is kept, interrupted, so the
/// retry resumes it).
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
        var partitionKey = EventStore.PartitionOf(partition);
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
            catch (CosmosException lost) when (lost.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.ServiceUnavailable)
            {
                // The create may have committed: a marker carrying this attempt's command id is ours.
                if (await container.ReadOptionalAsync<IdempotencyRecord>(key.RecordId, partitionKey, cancellationToken) is { } ours
                    && ours.Document.CommandId == marker.CommandId)
                    return new IdempotencyStart(new IdempotencyClaim(marker, ours.ETag), null);
                throw;
            }

            // Gone between the two requests (expired or released): claim it afresh.
            if (await container.ReadOptionalAsync<IdempotencyRecord>(key.RecordId, partitionKey, cancellationToken) is not { } existing) continue;
            var (record, etag) = existing;
            if (record.Fingerprint != key.Fingerprint) throw new IdempotencyKeyMismatchException();
            if (record.State == IdempotencyRecord.Completed) return new IdempotencyStart(null, record.Outcome);
            var untilTakeover = options.IdempotencyTakeoverTimeout - (now - record.StartedAt);
            if ((record.State != IdempotencyRecord.Interrupted && untilTakeover > TimeSpan.Zero) || attempt == MaxStartAttempts)
                throw new IdempotencyKeyInFlightException(untilTakeover);
            var successor = record.Succeeding(marker);
            try
            {
                var replaced = await container.ReplaceItemAsync(
                    successor, key.RecordId, partitionKey, new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false }, cancellationToken);
                return new IdempotencyStart(new IdempotencyClaim(successor, replaced.ETag, resumes: true), null);
            }
            catch (CosmosException raced) when (raced.StatusCode == HttpStatusCode.PreconditionFailed)
            {
            }
        }
    }

    /// <summary>
    /// Stores the outcome of a request that appended nothing (or many appends): replaces this request's marker.
    /// False when a later attempt took the key over, so the record is no longer this request's to complete.
    /// </summary>
    internal async Task<bool> TryCompleteAsync(IdempotencyClaim claim, StoredOutcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await container.ReplaceItemAsync(
                claim.Marker.CompletedWith(outcome), claim.Marker.Id, EventStore.PartitionOf(claim.Marker.TodoId),
                new ItemRequestOptions { IfMatchEtag = claim.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
            return true;
        }
        catch (CosmosException lost) when (lost.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes this request's marker so a retry runs again. Best effort: if the request's batch did commit, the marker's
    /// ETag moved and the delete is refused, as it should be; if the delete fails, the takeover timeout frees the key.
    /// </summary>
    internal Task ReleaseAsync(IdempotencyClaim claim) => BestEffortAsync(async () =>
    {
        using var _ = await container.DeleteItemStreamAsync(
            claim.Marker.Id, EventStore.PartitionOf(claim.Marker.TodoId), new ItemRequestOptions { IfMatchEtag = claim.ETag }, CancellationToken.None);
    });

    /// <summary>
    /// Marks this request's marker interrupted so the client's retry resumes the work at once, under the same cutoff.
    /// Best effort: if it fails, the retry takes the marker over after the takeover timeout, with the same cutoff all the same.
    /// </summary>
    internal Task InterruptAsync(IdempotencyClaim claim) => BestEffortAsync(() =>
        container.ReplaceItemAsync(
            claim.Marker with { State = IdempotencyRecord.Interrupted }, claim.Marker.Id, EventStore.PartitionOf(claim.Marker.TodoId),
            new ItemRequestOptions { IfMatchEtag = claim.ETag, EnableContentResponseOnWrite = false }, CancellationToken.None));

    /// <summary>
    /// Where the claim's key stands after a refused append: still this attempt's marker (the append lost to another
    /// writer), completed by this attempt's own batch (the refusal was of a retry of a batch that committed), or lost.
    /// </summary>
    internal static async Task<KeyStanding> StandingAsync(Container container, IdempotencyClaim claim, CancellationToken cancellationToken) =>
        await container.ReadOptionalAsync<IdempotencyRecord>(claim.Marker.Id, EventStore.PartitionOf(claim.Marker.TodoId), cancellationToken) switch
        {
            { } held when held.ETag == claim.ETag => KeyStanding.Held,
            { Document: { State: IdempotencyRecord.Completed } completed } when completed.CommandId == claim.Marker.CommandId => KeyStanding.CompletedByThisAttempt,
            _ => KeyStanding.TakenOver,
        };

    private static async Task BestEffortAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception unavailable) when (unavailable is CosmosException or HttpRequestException or OperationCanceledException)
        {
        }
    }
}

/// <summary>Where a keyed request's key stands after its append was refused.</summary>
internal enum KeyStanding
{
    Held,
    CompletedByThisAttempt,
    TakenOver,
}
