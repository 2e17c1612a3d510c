using System.Runtime.CompilerServices;
using System.Net;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Partitions;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Server;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// One container's items, grouped by partition key value and placed in partition key ranges by their effective
/// partition key. Every write (a whole transactional batch, or one operation of a bulk request) gets the next LSN of
/// the container, is journaled before it is visible, and keeps the item's place in the latest-version change feed (LSN order).
/// Items past their time to live are invisible at once and purged later.
/// </summary>
internal sealed partial class ContainerStore
{
    private const int MaxDocumentBytes = 2 * 1024 * 1024;
    private static readonly char[] InvalidIdCharacters = ['/', '\\', '?', '#'];

    private readonly Lock gate = new();
    private readonly Dictionary<string, Partition> partitions = new(StringComparer.Ordinal);
    private readonly ChangeLog changes = new();
    private readonly IJournal journal;
    private readonly TimeProvider clock;
    private readonly UniqueKeys uniqueKeys; // a container replace cannot change them
    private readonly ReplicaLag? replicaLag;
    private long lsn;
    private ulong lastDocumentNumber;
    private bool deleted;

    public ContainerStore(string databaseId, JObject resource, IJournal journal, TimeProvider clock, TimeSpan replicaLag = default)
    {
        DatabaseId = databaseId;
        Resource = resource;
        PartitionKey = PartitionKeyPath.FromContainer(resource);
        Partitions = new ContainerPartitions((JObject)resource["partitionKey"]!);
        uniqueKeys = UniqueKeys.FromContainer(resource);
        this.journal = journal;
        this.clock = clock;
        this.replicaLag = replicaLag > TimeSpan.Zero ? new ReplicaLag(replicaLag) : null;
    }

    public string DatabaseId { get; }

    public string Id => Resource.Value<string>("id")!;

    public string Rid => Resource.Value<string>(SystemProperties.Rid)!;

    /// <summary>The container's resource body; replaced whole (e.g. a new <c>defaultTtl</c>), never mutated.</summary>
    public JObject Resource { get; private set; }

    public PartitionKeyPath PartitionKey { get; }

    public ContainerPartitions Partitions { get; }

    public long Lsn
    {
        get
        {
            lock (gate)
                return lsn;
        }
    }

    // Container-level TTL: absent = items never expire (their 'ttl' is ignored); -1 = only items with a 'ttl' expire.
    private int? DefaultTtl => Resource["defaultTtl"] is { Type: JTokenType.Integer } ttl ? ttl.Value<int>() : null;

    public void ReplaceResource(JObject resource)
    {
        lock (gate)
            Resource = resource;
    }

    /// <summary>Refuses every later write, so none is journaled after the deletion that follows: a request may
    /// have found this container just before it was deleted, and a replay cannot apply a change to a deleted container.</summary>
    public void MarkDeleted()
    {
        lock (gate)
            deleted = true;
    }

    /// <summary>Applies the operations in order, all or none: on the first failure nothing is written, and the
    /// other operations answer 424 (failed dependency), as in a transactional batch. Reads see the snapshot at
    /// <paramref name="readAtLsn"/> when given (see <see cref="SnapshotLsn"/>), which only a read alone may ask for.</summary>
    public IReadOnlyList<DocumentOutcome> Execute(string partitionKeyJson, IReadOnlyList<DocumentOperation> operations, long? readAtLsn = null)
    {
        lock (gate)
        {
            var transaction = Begin(readAtLsn, lsnPerOperation: false);
            var outcomes = new List<DocumentOutcome>(operations.Count);
            foreach (var operation in operations)
            {
                var outcome = transaction.Apply(partitionKeyJson, operation);
                if (outcome.Failed)
                    return [.. operations.Select((_, index) => index == outcomes.Count ? outcome : FailedDependency)];
                outcomes.Add(outcome);
            }
            Commit(transaction);
            return outcomes;
        }
    }

    /// <summary>Applies each operation on its own, in order, as a bulk request does: a failure fails only its own
    /// operation, and every write gets its own LSN (so the change feed sees separate writes). Each operation sees
    /// the writes before it; all the writes are journaled as one entry before any is visible.</summary>
    public IReadOnlyList<DocumentOutcome> ExecuteEach(IReadOnlyList<(string PartitionKeyJson, DocumentOperation Operation)> operations)
    {
        lock (gate)
        {
            var transaction = Begin(readAtLsn: null, lsnPerOperation: true);
            var outcomes = operations.Select(each => transaction.Apply(each.PartitionKeyJson, each.Operation)).ToList();
            Commit(transaction);
            return outcomes;
        }
    }

    /// <summary>
    /// The snapshot a reader who has seen up to <paramref name="sessionLsn"/> is served with replica lag on: the
    /// lagging replica's, or the reader's own progress if that is further. Null when the latest state is due. A
    /// session ahead of the container (a token of another container, or made up) is what no replica can serve: 404
    /// with sub-status 1002 (ReadSessionNotAvailable), as Cosmos DB answers once the SDK's retries are spent.
    /// </summary>
    public long? SnapshotLsn(long sessionLsn)
    {
        if (replicaLag is null)
            return null;
        lock (gate)
        {
            if (sessionLsn > lsn)
                throw new GatewayException(HttpStatusCode.NotFound, "The read session is not available for the input session token.", 1002);
            var snapshot = Math.Max(replicaLag.ReplicaLsn(clock.GetUtcNow(), lsn), Math.Min(sessionLsn, lsn));
            return snapshot < lsn ? snapshot : null;
        }
    }

    /// <summary>The live items of one partition (a partition key value) or of all partitions, within a part of the
    /// key space, at the latest LSN or at the snapshot <paramref name="atLsn"/>. Their bodies are parsed by the caller,
    /// outside the container's lock, and only one at a time if it streams them.</summary>
    public IReadOnlyList<StoredDocument> Documents(string? partitionKeyJson, EffectiveKeyRange? keyRange = null, long? atLsn = null)
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            var scope = partitionKeyJson is null
                ? partitions.Where(partition => InRange(partition.Key, keyRange)).SelectMany(partition => partition.Value.Values)
                : InRange(partitionKeyJson, keyRange) ? partitions.GetValueOrDefault(partitionKeyJson)?.Values ?? Enumerable.Empty<StoredDocument>() : [];
            if (atLsn is { } snapshot && replicaLag is not null)
                scope = replicaLag.AsOf(snapshot, scope, partitionKeyJson).Where(document => InRange(document.PartitionKeyJson, keyRange));
            return [.. scope.Where(document => !IsExpired(document, now))];
        }
    }

    /// <summary>The latest version of each item changed after <paramref name="afterLsn"/> (up to the snapshot
    /// <paramref name="atLsn"/> if given), in LSN order (so in write order within every partition), and the LSN to
    /// continue after. The LSN is the container's, so a split range's continuation stays valid for its children.</summary>
    public (IReadOnlyList<JObject> Documents, long ContinueAfterLsn) ReadChanges(
        long afterLsn, DateTimeOffset? modifiedSince, string? partitionKeyJson, int maxItems, EffectiveKeyRange? keyRange = null, long? atLsn = null)
    {
        (IReadOnlyList<StoredDocument> Documents, long ContinueAfterLsn) page;
        lock (gate)
        {
            var now = clock.GetUtcNow();
            bool Include(StoredDocument document) =>
                (partitionKeyJson is null || document.PartitionKeyJson == partitionKeyJson)
                && InRange(document.PartitionKeyJson, keyRange)
                && !(document.WrittenAt < modifiedSince)
                && !IsExpired(document, now);
            page = atLsn is not { } snapshot || replicaLag is null
                ? changes.Read(afterLsn, lsn, maxItems, Include)
                : ChangeLog.Page(
                    replicaLag.AsOf(snapshot, changes.Documents, null).Where(document => document.Lsn > afterLsn).OrderBy(document => document.Lsn),
                    afterLsn, snapshot, maxItems, Include);
        }
        // Parsed outside the lock: writers need not wait for a page of bodies.
        return ([.. page.Documents.Select(document => document.ParseBody())], page.ContinueAfterLsn);
    }

    public void PurgeExpired()
    {
        if (DefaultTtl is null)
            return;
        lock (gate)
        {
            var now = clock.GetUtcNow();
            var expired = partitions.Values.SelectMany(partition => partition.Values).Where(document => IsExpired(document, now)).ToList();
            foreach (var document in expired)
            {
                var partition = partitions[document.PartitionKeyJson];
                Forget(partition, document);
                if (partition.Count == 0)
                    partitions.Remove(document.PartitionKeyJson);
            }
        }
    }

    /// <summary>Restores journaled changes at start, in the order they were made; the time of each write is the item's
    /// <c>_ts</c>. Other containers may replay theirs at the same time.</summary>
    // Hot at start: see JournalLine.Read.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Replay(IEnumerable<DocumentChange> changes)
    {
        lock (gate)
        {
            foreach (var change in changes)
            {
                var writtenAt = change.Document?.Timestamp is { } seconds
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : clock.GetUtcNow();
                Apply(change, writtenAt);
            }
        }
    }

    private static DocumentOutcome FailedDependency { get; } = new(HttpStatusCode.FailedDependency, null, 0);

    private Transaction Begin(long? readAtLsn, bool lsnPerOperation) =>
        deleted
            ? throw new GatewayException(HttpStatusCode.NotFound, $"Container '{Id}' does not exist in database '{DatabaseId}'.", 1003)
            : new Transaction(this, clock.GetUtcNow(), readAtLsn, lsnPerOperation);

    private void Commit(Transaction transaction)
    {
        if (transaction.Changes.Count == 0)
            return;
        journal.Append(new DocumentsChanged(DatabaseId, Id, transaction.Changes));
        foreach (var change in transaction.Changes)
        {
            replicaLag?.Record(change, partitions.GetValueOrDefault(change.PartitionKeyJson)?.GetValueOrDefault(change.Id), transaction.Now);
            Apply(change, transaction.Now);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Apply(DocumentChange change, DateTimeOffset writtenAt)
    {
        if (!partitions.TryGetValue(change.PartitionKeyJson, out var partition))
            partitions[change.PartitionKeyJson] = partition = new Partition(change.PartitionKeyJson);
        if (partition.TryGetValue(change.Id, out var previous))
            Forget(partition, previous);
        if (change.Document is { } body)
        {
            var document = new StoredDocument(partition.Key, change.Id, body, change.Lsn, writtenAt, uniqueKeys.ValuesOf(body));
            partition[change.Id] = document;
            changes.Add(document);
            foreach (var index in sortIndexes.Values)
                index.Add(document);
            lastDocumentNumber = Math.Max(lastDocumentNumber, body.DocumentNumber
                ?? throw new InvalidDataException($"The item '{change.Id}' has no document resource id in its _rid."));
        }
        else if (partition.Count == 0)
            partitions.Remove(change.PartitionKeyJson);
        lsn = Math.Max(lsn, change.Lsn);
    }

    private void Forget(Partition partition, StoredDocument document)
    {
        partition.Remove(document.Id);
        changes.Remove(document);
        foreach (var index in sortIndexes.Values)
            index.Remove(document);
    }

    private bool IsExpired(StoredDocument document, DateTimeOffset now)
    {
        if (DefaultTtl is not { } defaultTtl)
            return false;
        var ttl = document.Ttl ?? defaultTtl;
        return ttl > 0 && now >= document.WrittenAt.AddSeconds(ttl);
    }

    private StoredDocument? Live(string partitionKeyJson, string id, DateTimeOffset now, long? atLsn)
    {
        var document = partitions.GetValueOrDefault(partitionKeyJson)?.GetValueOrDefault(id);
        if (atLsn is { } snapshot && replicaLag is not null)
            document = replicaLag.AsOf(snapshot, partitionKeyJson, id, document);
        return document is not null && !IsExpired(document, now) ? document : null;
    }
}
