using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// Folds a journal into the shortest journal that replays to the same account, so the files do not grow without
/// bound: every live database, container and the latest version of every document. Documents are kept as JSON text
/// while folding, so a compaction running beside the live account does not hold a second copy of it as objects.
/// </summary>
internal static class JournalCompaction
{
    // Keeps lines to a readable size; only final states remain, so splitting them over entries loses nothing.
    public const int ChangesPerEntry = 1000;

    public static FoldedAccount Fold(IEnumerable<JournalEntry> entries)
    {
        var account = new FoldedAccount();
        foreach (var entry in entries)
            account.Apply(entry);
        return account;
    }
}

/// <summary>A document change as folded: its partition key (as JSON), id and document as UTF-8, all kept in
/// <see cref="FoldedBodies"/> (the document is null when deleted).</summary>
internal readonly record struct FoldedChange(ReadOnlyMemory<byte> PartitionKeyJson, ReadOnlyMemory<byte> Id, ReadOnlyMemory<byte>? Document, long Lsn);

/// <summary>A live container after folding: its documents, ordered as replay must apply them.</summary>
internal interface IFoldedContainer
{
    string Database { get; }

    string Name { get; }

    IEnumerable<FoldedChange[]> Changes();
}

/// <summary>
/// The live account, plus the most recently created database and container that were deleted: the emulator
/// numbers resource ids on from the highest it has replayed, and these keep a deleted one's id from coming back.
/// </summary>
internal sealed class FoldedAccount
{
    private readonly Dictionary<string, DatabaseState> databases = new();
    private readonly HashSet<string> deletedContainerRids = new(StringComparer.Ordinal);
    private readonly FoldedBodies bodies = new();
    private long creations;
    private DatabaseState? lastDeletedDatabase;
    private ContainerState? lastDeletedContainer;

    /// <summary>The live containers, with their documents.</summary>
    public IEnumerable<IFoldedContainer> Containers => databases.Values.SelectMany(database => database.Containers.Values);

    // Builds before the fix of issue 8 could journal a write that raced with the deletion of its container or
    // database: a change to a container, or a container created or replaced, after the deletion. Such a write
    // was never visible to any reader after the deletion (it went to a container no longer reachable), so it
    // is dropped here rather than failing the whole data directory.
    public void Apply(JournalEntry entry)
    {
        switch (entry)
        {
            case DatabaseCreated created when databases.TryGetValue(created.Database, out var existing):
                existing.Resource = created.Resource;
                break;
            case DatabaseCreated created:
                databases[created.Database] = new DatabaseState(created.Database, created.Resource, ++creations);
                break;
            case DatabaseDeleted deleted when databases.Remove(deleted.Database, out var database):
                lastDeletedDatabase = Later(lastDeletedDatabase, database);
                foreach (var container in database.Containers.Values)
                    Deleted(container);
                break;
            case ContainerCreated created when !databases.ContainsKey(created.Database) || IsDeleted(created.Resource):
                break;
            case ContainerCreated created when databases[created.Database].Containers.TryGetValue(created.Container, out var existing):
                existing.Resource = created.Resource;
                break;
            case ContainerCreated created:
                var owner = databases[created.Database];
                owner.Containers[created.Container] = new ContainerState(owner, created.Container, created.Resource, ++creations, bodies);
                break;
            case ContainerDeleted deleted when ContainerOf(deleted.Database, deleted.Container) is { } container:
                container.Owner.Containers.Remove(container.Name);
                Deleted(container);
                break;
            case DocumentsChanged changed:
                ContainerOf(changed.Database, changed.Container)?.Apply(changed.Changes);
                break;
            // A split racing a deletion may journal its ranges after the container is gone: nothing to keep then.
            case PartitionKeyRangesChanged changed when ContainerOf(changed.Database, changed.Container) is { } splitContainer:
                splitContainer.Ranges = changed;
                break;
        }
    }

    /// <summary>Every database and container to create (or create and delete again), in replay order, without documents.</summary>
    public IEnumerable<JournalEntry> AccountEntries()
    {
        var deletedDatabases = new[] { lastDeletedDatabase, lastDeletedContainer?.Owner }
            .OfType<DatabaseState>()
            .Where(database => !ReferenceEquals(databases.GetValueOrDefault(database.Name), database))
            .Distinct();
        foreach (var database in deletedDatabases)
        {
            yield return new DatabaseCreated(database.Name, database.Resource);
            foreach (var entry in DeletedContainerIn(database))
                yield return entry;
            yield return new DatabaseDeleted(database.Name);
        }
        foreach (var database in databases.Values)
        {
            yield return new DatabaseCreated(database.Name, database.Resource);
            foreach (var entry in DeletedContainerIn(database).Concat(database.Containers.Values.SelectMany(container => container.Created())))
                yield return entry;
        }
    }

    private IEnumerable<JournalEntry> DeletedContainerIn(DatabaseState database) =>
        lastDeletedContainer is { } container && ReferenceEquals(container.Owner, database)
            ? [new ContainerCreated(database.Name, container.Name, container.Resource), new ContainerDeleted(database.Name, container.Name)]
            : [];

    private ContainerState? ContainerOf(string database, string container) =>
        databases.GetValueOrDefault(database)?.Containers.GetValueOrDefault(container);

    private void Deleted(ContainerState container)
    {
        lastDeletedContainer = Later(lastDeletedContainer, container);
        if (container.Resource.Value<string>("_rid") is { } rid)
            deletedContainerRids.Add(rid);
    }

    // A re-created container always gets a new resource id; one with a deleted container's id is a late replace.
    private bool IsDeleted(JObject containerResource) =>
        containerResource.Value<string>("_rid") is { } rid && deletedContainerRids.Contains(rid);

    private static T Later<T>(T? current, T candidate) where T : class, ICreated =>
        current is null || candidate.Creation > current.Creation ? candidate : current;

    private interface ICreated
    {
        long Creation { get; }
    }

    private sealed class DatabaseState(string name, JObject resource, long creation) : ICreated
    {
        public string Name { get; } = name;

        public JObject Resource { get; set; } = resource;

        public long Creation { get; } = creation;

        public Dictionary<string, ContainerState> Containers { get; } = new();
    }

    // Nothing a container keeps per document is an object of its own: the dictionary's entries (one large array) and
    // the bytes they point into (large arrays too) are never copied by a young-generation collection, which would
    // otherwise promote every document's key and change while requests wait on it.
    private sealed class ContainerState(DatabaseState owner, string name, JObject resource, long creation, FoldedBodies bodies)
        : ICreated, IFoldedContainer
    {
        private readonly Dictionary<FoldedKey, (FoldedChange Change, long Order)> latest = new();
        private byte[] lookup = new byte[256];
        private long highestLsn = long.MinValue;
        private long highestOrder;
        private long changeCount;

        public DatabaseState Owner { get; } = owner;

        public string Database => Owner.Name;

        public string Name { get; } = name;

        public JObject Resource { get; set; } = resource;

        public long Creation { get; } = creation;

        public PartitionKeyRangesChanged? Ranges { get; set; }

        public void Apply(IEnumerable<DocumentChange> changes)
        {
            foreach (var change in changes)
            {
                var order = ++changeCount;
                var key = LookupKey(change.PartitionKeyJson, change.Id);
                ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(latest, key);
                if (Unsafe.IsNullRef(ref slot))
                {
                    key = new FoldedKey(bodies.Keep(key.PartitionKeyJson.Span), bodies.Keep(key.Id.Span));
                    slot = ref CollectionsMarshal.GetValueRefOrAddDefault(latest, key, out _);
                }
                else
                {
                    key = new FoldedKey(slot.Change.PartitionKeyJson, slot.Change.Id);
                }
                slot = (new FoldedChange(key.PartitionKeyJson, key.Id, bodies.Keep(change.Document), change.Lsn), order);
                if (change.Lsn >= highestLsn)
                    (highestLsn, highestOrder) = (change.Lsn, order);
            }
        }

        public IEnumerable<JournalEntry> Created() =>
            Ranges is null ? [new ContainerCreated(Database, Name, Resource)] : [new ContainerCreated(Database, Name, Resource), Ranges];

        // Deleted documents are dropped, except the most recent change when it is a delete: it carries the
        // container's highest LSN, which replay must restore so new writes never reuse an LSN a reader has seen.
        // A batch's changes share an LSN; the order they were written in keeps them in operation order.
        public IEnumerable<FoldedChange[]> Changes() =>
            latest.Values
                .Where(entry => entry.Change.Document is not null || entry.Order == highestOrder)
                .OrderBy(entry => entry.Change.Lsn)
                .ThenBy(entry => entry.Order)
                .Select(entry => entry.Change)
                .Chunk(JournalCompaction.ChangesPerEntry);

        // A key over bytes of this container's own, to look a change up by; kept in the bodies only once it is new.
        private FoldedKey LookupKey(string partitionKeyJson, string id)
        {
            var partitionKeyBytes = JournalFile.Utf8.GetByteCount(partitionKeyJson);
            var needed = partitionKeyBytes + JournalFile.Utf8.GetByteCount(id);
            if (lookup.Length < needed)
                lookup = new byte[Math.Max(needed, lookup.Length * 2)];
            JournalFile.Utf8.GetBytes(partitionKeyJson, lookup);
            var idBytes = JournalFile.Utf8.GetBytes(id, lookup.AsSpan(partitionKeyBytes));
            return new FoldedKey(lookup.AsMemory(0, partitionKeyBytes), lookup.AsMemory(partitionKeyBytes, idBytes));
        }
    }

    // Equal when their bytes are: a dictionary of them needs no comparer of its own.
    private readonly struct FoldedKey(ReadOnlyMemory<byte> partitionKeyJson, ReadOnlyMemory<byte> id) : IEquatable<FoldedKey>
    {
        public ReadOnlyMemory<byte> PartitionKeyJson { get; } = partitionKeyJson;

        public ReadOnlyMemory<byte> Id { get; } = id;

        public bool Equals(FoldedKey other) =>
            Id.Span.SequenceEqual(other.Id.Span) && PartitionKeyJson.Span.SequenceEqual(other.PartitionKeyJson.Span);

        public override bool Equals(object? other) => other is FoldedKey key && Equals(key);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.AddBytes(PartitionKeyJson.Span);
            hash.AddBytes(Id.Span);
            return hash.ToHashCode();
        }
    }
}
