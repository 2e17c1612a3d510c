using Microsoft.Azure.Cosmos;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>
/// A todo as clients see it; <see cref="Version"/> is its stream version, which HTTP exposes as the ETag. A parked
/// todo shows its last state that could be projected, with <see cref="ParkedAtVersion"/> naming the event it waits at.
/// </summary>
public sealed record TodoView(Guid Id, string Title, bool Completed, int? Order, long Version, DateTimeOffset CreatedAt, long? ParkedAtVersion = null)
{
    /// <summary>When the todo was moved to the trash; <c>null</c> for a live todo.</summary>
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>The day the todo is due, if it has one.</summary>
    public DateOnly? DueDate { get; init; }

    /// <summary>Later events of this todo are held back until an operator retries it: the read model is behind the log here.</summary>
    public bool IsStale => ParkedAtVersion is not null;
}

/// <summary>The query side: reads only the live read container, which the projector writes (and a command its own todo's document, see <see cref="ReadModelWriteThrough"/>).</summary>
public sealed class TodoReadModel
{
    private readonly ReadModelPointers pointers;

    internal TodoReadModel(ReadModelPointers pointers) => this.pointers = pointers;

    /// <summary>
    /// One point read; <c>null</c> when the todo is unknown or deleted, or parked before it could be created. With a
    /// <paramref name="session"/> a write answered (<see cref="CommandOutcome.Succeeded.ReadModelSession"/>), read at
    /// least as recent as that write, so a client sees it on any instance.
    /// </summary>
    public async Task<TodoView?> GetAsync(Guid id, ReadSession? session = null, CancellationToken cancellationToken = default)
    {
        var pointer = await pointers.CurrentAsync(cancellationToken);
        var sessionToken = session?.TokenFor(pointer);
        var document = await ReadSessionFailures.GuardAsync(sessionToken, () => TodoViewDocument.ReadAsync(
            pointers.Container(pointer.LiveContainer), id, sessionToken, cancellationToken));
        return document?.Document is { Deleted: false, Version: > 0 } live ? live.ToView() : null;
    }

    /// <summary>Every live todo: by order ascending, todos without an order last, then by creation time.</summary>
    public async Task<IReadOnlyList<TodoView>> ListAsync(CancellationToken cancellationToken) =>
        await (await LiveListAsync(cancellationToken: cancellationToken)).AllAsync(cancellationToken);

    /// <inheritdoc cref="LiveList.PageAsync"/>
    public async Task<TodoPage> ListPageAsync(int limit, string? after, CancellationToken cancellationToken) =>
        await (await LiveListAsync(cancellationToken: cancellationToken)).PageAsync(limit, after, cancellationToken);

    /// <inheritdoc cref="LiveList.ValidatorAsync"/>
    public async Task<string> ListValidatorAsync(CancellationToken cancellationToken) =>
        await (await LiveListAsync(cancellationToken: cancellationToken)).ValidatorAsync(cancellationToken);

    /// <summary>
    /// The list as the read-model pointer names it now, for a request that reads both its validator and its todos:
    /// both at least as recent as <paramref name="session"/> when it is of the live container.
    /// </summary>
    public Task<LiveList> LiveListAsync(ReadSession? session = null, CancellationToken cancellationToken = default) => ListingAsync(ListRange.Live, session, cancellationToken);

    /// <summary>The trash (deleted, not purged todos, newest deletion first) as the read-model pointer names it now.</summary>
    public Task<LiveList> TrashAsync(ReadSession? session = null, CancellationToken cancellationToken = default) => ListingAsync(ListRange.Trash, session, cancellationToken);

    private async Task<LiveList> ListingAsync(ListRange range, ReadSession? session, CancellationToken cancellationToken)
    {
        var pointer = await pointers.CurrentAsync(cancellationToken);
        return new LiveList(pointers.Container(pointer.LiveContainer), pointer, range, session);
    }

    /// <summary>The stream version the read model has applied for a todo, deleted or not; 0 when it has none.</summary>
    internal async Task<long> ReadAppliedVersionAsync(Guid id, CancellationToken cancellationToken) =>
        (await TodoViewDocument.ReadAsync(await LiveContainerAsync(cancellationToken), id, cancellationToken))?.Document.Version ?? 0;

    private async Task<Container> LiveContainerAsync(CancellationToken cancellationToken) =>
        pointers.Container((await pointers.CurrentAsync(cancellationToken)).LiveContainer);
}

/// <summary>
/// The stored read-model document. A deleted todo stays as a tombstone carrying its version, so a late or repeated
/// delivery of its older events is recognised as already applied instead of bringing the todo back.
/// <see cref="ReadModelVersion"/> says which build of the read model wrote it, so a rebuild can reuse a container
/// by overwriting what an older build left there. A todo parked at its first event has version 0 and no state.
/// <see cref="ListPosition"/> is the list's sort key (see <see cref="Cosmos.ListPosition"/>); documents written before
/// it existed have none and are not listed until their todo's next write or a rebuild. <see cref="CompletedAt"/>,
/// <see cref="DeletedAt"/> and <see cref="Purged"/> came later still: documents without them read as never completed,
/// deleted at an unknown time, and not purged, until a rebuild. A tombstone in the trash sorts by its deletion time,
/// so the trash is a range of the same key; one written before that (or deleted at an unknown time) stays out of the
/// trash until its todo's next write or a rebuild. <see cref="DueDate"/> came with TodoCreated v2: documents without
/// it read as having none, which is what every todo written before it had.
/// </summary>
internal sealed record TodoViewDocument(
    string Id, string? Title, bool Completed, int? Order, bool Deleted, long Version, DateTimeOffset CreatedAt,
    int ReadModelVersion = 1, ParkedMarker? Parked = null, string? ListPosition = null,
    DateTimeOffset? CompletedAt = null, DateTimeOffset? DeletedAt = null, bool Purged = false, DateOnly? DueDate = null) : IProjectedTodoDocument<TodoViewDocument>
{
    public static TodoViewDocument From(TodoStream stream, int readModelVersion, ParkedMarker? parked) => stream.State is { } state
        ? new(stream.TodoId.ToString(), state.Title, state.Completed, state.Order, state.IsDeleted, stream.Version, stream.CreatedAt, readModelVersion, parked,
            state.IsDeleted
                ? Cosmos.ListPosition.ForDeleted(stream.TodoId, stream.DeletedAt, state.IsPurged)
                : Cosmos.ListPosition.For(stream.TodoId, state.Order, stream.CreatedAt),
            stream.CompletedAt, stream.DeletedAt, state.IsPurged, state.DueDate)
        : new(stream.TodoId.ToString(), null, false, null, false, 0, default, readModelVersion, parked, Cosmos.ListPosition.AfterLive);

    /// <summary>A todo's document in a read container (partitioned by the todo's id) with its ETag; <c>null</c> when there is none.</summary>
    public static Task<(TodoViewDocument Document, string ETag)?> ReadAsync(Container container, Guid todoId, CancellationToken cancellationToken) =>
        ReadAsync(container, todoId, sessionToken: null, cancellationToken);

    /// <summary>The document as a replica at least as recent as the Cosmos DB <paramref name="sessionToken"/> holds it.</summary>
    public static Task<(TodoViewDocument Document, string ETag)?> ReadAsync(Container container, Guid todoId, string? sessionToken, CancellationToken cancellationToken) =>
        container.ReadOptionalAsync<TodoViewDocument>(
            todoId.ToString(), new PartitionKey(todoId.ToString()), cancellationToken, sessionToken is null ? null : new ItemRequestOptions { SessionToken = sessionToken });

    public TodoStream ToStream(string etag) => Version == 0
        ? TodoStream.Unwritten(Guid.Parse(Id)) with { ETag = etag }
        : new(Guid.Parse(Id), new Todo(Title!, Completed, Order, Deleted, Purged, DueDate), Version, CreatedAt, etag) { CompletedAt = CompletedAt, DeletedAt = DeletedAt };

    public TodoView ToView() => new(Guid.Parse(Id), Title!, Completed, Order, Version, CreatedAt, Parked?.Version) { DeletedAt = DeletedAt, DueDate = DueDate };
}
