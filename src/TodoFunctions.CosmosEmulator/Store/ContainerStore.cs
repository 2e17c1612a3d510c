using System.Net;
using System.Text;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Partitions;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Query;
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
    public void Replay(IEnumerable<DocumentChange> changes)
    {
        lock (gate)
        {
            foreach (var change in changes)
            {
                var writtenAt = change.Document?.Value<long?>(SystemProperties.Timestamp) is { } seconds
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

    private void Apply(DocumentChange change, DateTimeOffset writtenAt)
    {
        if (!partitions.TryGetValue(change.PartitionKeyJson, out var partition))
            partitions[change.PartitionKeyJson] = partition = new Partition(change.PartitionKeyJson);
        if (partition.TryGetValue(change.Id, out var previous))
            Forget(partition, previous);
        if (change.Document is not null)
        {
            var document = new StoredDocument(partition.Key, change.Id, change.Document, change.Lsn, writtenAt);
            partition[change.Id] = document;
            changes.Add(document);
            foreach (var index in sortIndexes.Values)
                index.Add(document);
            lastDocumentNumber = Math.Max(lastDocumentNumber, ResourceIds.DocumentNumber(change.Document.Value<string>(SystemProperties.Rid)!));
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

    /// <summary>The writes of one request, staged so that a failing operation leaves the container untouched (an
    /// operation fails before it stages anything). A transactional batch gives all its writes one LSN, so it is one
    /// transaction in the change feed; a bulk request gives each write the next one.</summary>
    private sealed class Transaction(ContainerStore container, DateTimeOffset now, long? readAtLsn, bool lsnPerOperation)
    {
        private readonly Dictionary<(string PartitionKeyJson, string Id), JObject?> staged = [];
        private long transactionLsn = container.lsn + 1;
        private ulong lastDocumentNumber = container.lastDocumentNumber;
        private string partitionKeyJson = "";

        public DateTimeOffset Now => now;

        public List<DocumentChange> Changes { get; } = [];

        public DocumentOutcome Apply(string partitionKeyJson, DocumentOperation operation)
        {
            this.partitionKeyJson = partitionKeyJson;
            var changesBefore = Changes.Count;
            var outcome = ApplyOne(operation);
            if (lsnPerOperation && Changes.Count > changesBefore)
                transactionLsn++;
            return outcome;
        }

        private DocumentOutcome ApplyOne(DocumentOperation operation)
        {
            try
            {
                return operation.Kind switch
                {
                    DocumentOperationKind.Create => Create(operation),
                    DocumentOperationKind.Read => Read(operation),
                    DocumentOperationKind.Replace => Replace(operation),
                    DocumentOperationKind.Upsert => Upsert(operation),
                    DocumentOperationKind.Delete => Delete(operation),
                    DocumentOperationKind.Patch => Patch(operation),
                    _ => throw GatewayException.BadRequest($"Unknown operation {operation.Kind}."),
                };
            }
            catch (GatewayException refused)
            {
                return new DocumentOutcome(refused.StatusCode, null, RequestCharges.Refused, refused.Message, refused.SubStatusCode);
            }
            catch (CosmosSqlException unsupported) // a patch's filter predicate: it fails its own operation only
            {
                return new DocumentOutcome(HttpStatusCode.BadRequest, null, RequestCharges.Refused, unsupported.Message);
            }
        }

        private DocumentOutcome Create(DocumentOperation operation)
        {
            var (id, resource) = Valid(operation.Resource);
            if (Current(id) is not null)
                throw GatewayException.Conflict("Entity with the specified id already exists in the system.");
            return Write(HttpStatusCode.Created, id, resource, NewRid());
        }

        private DocumentOutcome Read(DocumentOperation operation)
        {
            var existing = Existing(operation.Id);
            return operation.IfNoneMatch == existing.Value<string>(SystemProperties.ETag)
                ? new DocumentOutcome(HttpStatusCode.NotModified, existing, RequestCharges.PointRead(existing))
                : new DocumentOutcome(HttpStatusCode.OK, existing, RequestCharges.PointRead(existing));
        }

        private DocumentOutcome Replace(DocumentOperation operation)
        {
            var existing = Matching(Existing(operation.Id), operation.IfMatch);
            var (id, resource) = Valid(operation.Resource);
            if (id != operation.Id)
                throw GatewayException.BadRequest($"The replacement's id '{id}' differs from the id '{operation.Id}' in the request.");
            return Write(HttpStatusCode.OK, id, resource, existing.Value<string>(SystemProperties.Rid)!);
        }

        private DocumentOutcome Upsert(DocumentOperation operation)
        {
            var (id, resource) = Valid(operation.Resource);
            var existing = Current(id);
            return existing is null
                ? Write(HttpStatusCode.Created, id, resource, NewRid())
                : Write(HttpStatusCode.OK, id, resource, Matching(existing, operation.IfMatch).Value<string>(SystemProperties.Rid)!);
        }

        private DocumentOutcome Delete(DocumentOperation operation)
        {
            var existing = Matching(Existing(operation.Id), operation.IfMatch);
            staged[(partitionKeyJson, operation.Id!)] = null;
            Changes.Add(new DocumentChange(partitionKeyJson, operation.Id!, null, transactionLsn));
            return new DocumentOutcome(HttpStatusCode.NoContent, null, RequestCharges.Write(existing));
        }

        private DocumentOutcome Patch(DocumentOperation operation)
        {
            var existing = Matching(Existing(operation.Id), operation.IfMatch);
            if (operation.PatchCondition is not null && !Satisfies(existing, operation.PatchCondition))
                throw PreconditionFailed();
            var patched = DocumentPatch.Apply(existing, operation.PatchOperations ?? throw GatewayException.BadRequest("A patch needs operations."));
            var (id, resource) = Valid(patched);
            if (id != operation.Id)
                throw GatewayException.BadRequest("A patch cannot change the id of an item.");
            return Write(HttpStatusCode.OK, id, resource, existing.Value<string>(SystemProperties.Rid)!);
        }

        private static bool Satisfies(JObject document, string condition) =>
            CosmosSqlQuery.Parse("SELECT * " + condition).Execute([document], new Dictionary<string, JToken>()).Count > 0;

        private DocumentOutcome Write(HttpStatusCode status, string id, JObject resource, string rid)
        {
            UniqueKeys.FromContainer(container.Resource).Verify(resource, id, PartitionDocuments());
            var body = new JObject(resource.Properties().Where(property => !SystemProperties.Names.Contains(property.Name)))
            {
                [SystemProperties.Rid] = rid,
                [SystemProperties.Self] = $"{container.Resource.Value<string>(SystemProperties.Self)}docs/{rid}/",
                [SystemProperties.ETag] = SystemProperties.NewETag(),
                [SystemProperties.Attachments] = "attachments/",
                [SystemProperties.Timestamp] = now.ToUnixTimeSeconds(),
                [SystemProperties.Lsn] = transactionLsn,
            };
            staged[(partitionKeyJson, id)] = body;
            Changes.Add(new DocumentChange(partitionKeyJson, id, body, transactionLsn));
            return new DocumentOutcome(status, body, RequestCharges.Write(body));
        }

        // The partition as this transaction sees it: stored items overlaid with its own staged writes.
        private IEnumerable<JObject> PartitionDocuments() =>
            (container.partitions.GetValueOrDefault(partitionKeyJson)?.Values ?? Enumerable.Empty<StoredDocument>())
                .Where(document => !staged.ContainsKey((partitionKeyJson, document.Id)) && !container.IsExpired(document, now))
                .Select(document => document.ParseBody())
                .Concat(staged.Where(write => write.Key.PartitionKeyJson == partitionKeyJson).Select(write => write.Value).OfType<JObject>());

        private string NewRid() => ResourceIds.Document(container.Rid, ++lastDocumentNumber);

        private JObject? Current(string id) =>
            staged.TryGetValue((partitionKeyJson, id), out var document) ? document : container.Live(partitionKeyJson, id, now, readAtLsn)?.ParseBody();

        private JObject Existing(string? id) =>
            Current(id ?? throw GatewayException.BadRequest("The operation needs an item id."))
            ?? throw GatewayException.NotFound("Entity with the specified id does not exist in the system.");

        private static JObject Matching(JObject existing, string? ifMatch) =>
            ifMatch is null or "*" || ifMatch == existing.Value<string>(SystemProperties.ETag) ? existing : throw PreconditionFailed();

        private static GatewayException PreconditionFailed() =>
            new(HttpStatusCode.PreconditionFailed, "One of the specified pre-condition is not met.");

        private (string Id, JObject Resource) Valid(JObject? resource)
        {
            if (resource is null)
                throw GatewayException.BadRequest("The operation needs an item body.");
            if (resource["id"] is not { Type: JTokenType.String } idToken || idToken.Value<string>() is not { Length: > 0 and <= 255 } id)
                throw GatewayException.BadRequest("The input content is invalid because the required property 'id' is missing or not a string of 1 to 255 characters.");
            if (id.IndexOfAny(InvalidIdCharacters) >= 0)
                throw GatewayException.BadRequest($"The id '{id}' contains one of the characters '/', '\\', '?', '#'.");
            if (container.PartitionKey.ValueOf(resource) != partitionKeyJson)
                throw GatewayException.BadRequest("PartitionKey extracted from document doesn't match the one specified in the header.");
            if (resource["ttl"] is { } ttl && ttl.Type != JTokenType.Null
                && !(ttl.Type == JTokenType.Integer && (ttl.Value<long>() == -1 || ttl.Value<long>() > 0)))
                throw GatewayException.BadRequest("The 'ttl' of an item must be a positive whole number of seconds or -1.");
            if (Encoding.UTF8.GetByteCount(Json.Compact(resource)) > MaxDocumentBytes)
                throw new GatewayException(HttpStatusCode.RequestEntityTooLarge, "The item is larger than the 2 MB Cosmos DB allows.");
            return (id, resource);
        }
    }
}
