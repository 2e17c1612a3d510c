using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>
/// A todo as it was at a version or a time: the first events of its stream, read with one single-partition query
/// bounded by that point (so the events after it are never read), folded with the write side's fold and upcasters; and
/// one point read of its snapshot, since a purged todo's past is not served.
/// </summary>
public sealed class TodoHistory
{
    private const string EventsUpTo = "SELECT * FROM c WHERE c.kind = @kind AND {0} <= @bound ORDER BY c.version";

    private readonly EventStore store;
    private readonly TodoEventCodec codec;

    internal TodoHistory(EventStore store, TodoEventCodec codec)
    {
        this.store = store;
        this.codec = codec;
    }

    /// <summary>The stream folded up to and including version <paramref name="version"/>; <c>null</c> when it has no such version (an unknown todo, 0, beyond its end).</summary>
    public async Task<PastTodo?> AtVersionAsync(Guid todoId, long version, CancellationToken cancellationToken)
    {
        if (version < 1) return null;
        var events = await ReadUpToAsync(todoId, "c.version", version, cancellationToken);
        return events.Count == version ? await FoldAsync(todoId, events, cancellationToken) : null;
    }

    /// <summary>The stream folded up to its last event recorded at or before <paramref name="time"/>; <c>null</c> when it had none by then.</summary>
    public async Task<PastTodo?> AsOfAsync(Guid todoId, DateTimeOffset time, CancellationToken cancellationToken)
    {
        // Timestamps are stored as the codec writes them, ISO 8601 in UTC, which order as strings the way they do as times.
        var events = await ReadUpToAsync(todoId, "c.timestamp", time.ToUniversalTime(), cancellationToken);
        // Two writers' clocks may disagree: a later version stamped earlier than a missing one is not part of the past yet.
        var recordedBy = events.TakeWhile((document, index) => document.Version == index + 1).ToList();
        return recordedBy.Count == 0 ? null : await FoldAsync(todoId, recordedBy, cancellationToken);
    }

    private async Task<IReadOnlyList<EventDocument>> ReadUpToAsync(Guid todoId, string boundedPath, object bound, CancellationToken cancellationToken) =>
        (await store.QueryEventsAsync(
            todoId, new QueryDefinition(string.Format(EventsUpTo, boundedPath)).WithParameter("@bound", bound), pageSize: null, cancellationToken)).Readable();

    /// <summary>Whether the stream is purged is asked after its events are read, so a purge appended meanwhile is seen.</summary>
    private async Task<PastTodo> FoldAsync(Guid todoId, IReadOnlyList<EventDocument> events, CancellationToken cancellationToken) =>
        new(codec.Fold(TodoStream.Unwritten(todoId), events), events[^1].Timestamp, await store.IsPurgedAsync(todoId, cancellationToken));
}

/// <summary>A todo's stream folded up to a past event, when that event was recorded, and whether the todo has since been purged.</summary>
public sealed record PastTodo(TodoStream Stream, DateTimeOffset RecordedAt, bool PurgedSince)
{
    /// <summary>The todo as a GET would have answered it then: <c>null</c> while it was in the trash, and for good once it is purged.</summary>
    public TodoView? Todo => Stream.State is { IsDeleted: false } && !PurgedSince ? Stream.ToView() : null;
}
