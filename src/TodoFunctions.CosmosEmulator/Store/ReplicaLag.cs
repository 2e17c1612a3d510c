using TodoFunctions.CosmosEmulator.Persistence;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// The replica a reader without a recent session token lands on: it has applied every write older than the lag
/// window and none younger, so it is always exactly the window behind (deterministic, never random). The writes
/// still inside the window are kept with the version each replaced, which is all it takes to read any snapshot
/// between the replica's LSN and the latest one.
/// </summary>
internal sealed class ReplicaLag(TimeSpan window)
{
    private readonly Queue<Write> writes = new();

    /// <summary>Remembers a write (in LSN order) and the version it replaced (null for a create).</summary>
    public void Record(DocumentChange change, StoredDocument? replaced, DateTimeOffset writtenAt)
    {
        writes.Enqueue(new Write(change.PartitionKeyJson, change.Id, change.Lsn, writtenAt, replaced));
        CatchUp(writtenAt);
    }

    /// <summary>The LSN the lagging replica has reached at <paramref name="now"/>; what it has applied is forgotten.</summary>
    public long ReplicaLsn(DateTimeOffset now, long latestLsn)
    {
        CatchUp(now);
        return writes.TryPeek(out var oldest) ? oldest.Lsn - 1 : latestLsn;
    }

    /// <summary>One item as the snapshot at <paramref name="lsn"/> holds it, given its current version.</summary>
    public StoredDocument? AsOf(long lsn, string partitionKeyJson, string id, StoredDocument? current) =>
        writes.FirstOrDefault(write => write.Lsn > lsn && write.PartitionKeyJson == partitionKeyJson && write.Id == id) is { } undone
            ? undone.Replaced
            : current;

    /// <summary>The items of the snapshot at <paramref name="lsn"/>: current versions written by then, and for
    /// each item written since, the version its first later write replaced.</summary>
    public IEnumerable<StoredDocument> AsOf(long lsn, IEnumerable<StoredDocument> current, string? partitionKeyJson)
    {
        var undone = writes
            .Where(write => write.Lsn > lsn && (partitionKeyJson is null || write.PartitionKeyJson == partitionKeyJson))
            .DistinctBy(write => (write.PartitionKeyJson, write.Id))
            .Select(write => write.Replaced)
            .OfType<StoredDocument>()
            .ToList();
        return current.Where(document => document.Lsn <= lsn).Concat(undone);
    }

    private void CatchUp(DateTimeOffset now)
    {
        while (writes.TryPeek(out var oldest) && oldest.WrittenAt <= now - window)
            writes.Dequeue();
    }

    private sealed record Write(string PartitionKeyJson, string Id, long Lsn, DateTimeOffset WrittenAt, StoredDocument? Replaced);
}
