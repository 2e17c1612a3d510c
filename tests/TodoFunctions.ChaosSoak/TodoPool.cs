namespace TodoFunctions.ChaosSoak;

/// <summary>
/// The todos the writers aim at: the few created last, so several writers often write the same todo at once, with
/// the ETag each was last answered with, for writes that send If-Match; and the todos the workload deleted, for purges.
/// </summary>
internal sealed class TodoPool
{
    private const int Size = 12;

    private readonly List<Guid> recent = [];
    private readonly Dictionary<Guid, string> etags = [];

    // A deleted todo with the ETag of its version in the trash when the delete named the version it deleted, else none.
    private readonly Dictionary<Guid, string?> deleted = [];

    public void Created(Guid id)
    {
        lock (recent)
        {
            recent.Add(id);
            if (recent.Count > Size) recent.RemoveAt(0);
        }
    }

    public void Answered(Guid id, string? etag)
    {
        if (etag is null) return;
        lock (recent) etags[id] = etag;
    }

    /// <summary>A 204 to a delete puts the todo in the trash, one version on from the one its If-Match named; a restore or purge takes it out.</summary>
    public void Written(RequestKind kind, Guid id, long? ifMatchVersion)
    {
        lock (recent)
        {
            if (kind == RequestKind.Delete) deleted[id] = ifMatchVersion is { } version ? $"\"{version + 1}\"" : null;
            else deleted.Remove(id);
        }
    }

    /// <summary>A todo the workload deleted and has not purged yet, with the ETag it has in the trash if known; null when none.</summary>
    public (Guid Id, string? ETag)? PickDeleted(Random random)
    {
        lock (recent)
        {
            if (deleted.Count == 0) return null;
            var (id, etag) = deleted.ElementAt(random.Next(deleted.Count));
            return (id, etag);
        }
    }

    /// <summary>A todo and its last known ETag; null while none has been created.</summary>
    public (Guid Id, string? ETag)? Pick(Random random)
    {
        lock (recent)
        {
            if (recent.Count == 0) return null;
            var id = recent[random.Next(recent.Count)];
            return (id, etags.GetValueOrDefault(id));
        }
    }
}
