namespace TodoFunctions.ChaosSoak;

/// <summary>
/// The todos the writers aim at: the few created last, so several writers often write the same todo at once, with
/// the ETag each was last answered with, for writes that send If-Match.
/// </summary>
internal sealed class TodoPool
{
    private const int Size = 12;

    private readonly List<Guid> recent = [];
    private readonly Dictionary<Guid, string> etags = [];

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
