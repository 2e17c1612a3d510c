using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>
/// The list, or the trash, as one read-model pointer names it: a request that answers with the validator and the
/// todos reads both from the same container, so a rebuild's switch between the two cannot pair one container's tag
/// with the other's body.
/// </summary>
public sealed class LiveList
{
    private readonly Container container;
    private readonly ReadModelPointer pointer;
    private readonly ListRange range;
    private readonly string? sessionToken;

    internal LiveList(Container container, ReadModelPointer pointer, ListRange range, ReadSession? session = null) =>
        (this.container, this.pointer, this.range, sessionToken) = (container, pointer, range, session?.TokenFor(pointer));

    /// <summary>
    /// Every todo of the listing in its order: the list by order ascending, todos without an order last, then by
    /// creation time; the trash newest deletion first.
    /// </summary>
    public Task<IReadOnlyList<TodoView>> AllAsync(CancellationToken cancellationToken) =>
        ReadSessionFailures.GuardAsync(sessionToken, () => TodoListQuery.AllAsync(container, range, sessionToken, cancellationToken));

    /// <summary>
    /// At most <paramref name="limit"/> todos in the listing's order, from the start or after the position an earlier
    /// page returned; throws <see cref="InvalidListPositionException"/> for a position that is not one of this listing's.
    /// </summary>
    public Task<TodoPage> PageAsync(int limit, string? after, CancellationToken cancellationToken) =>
        ReadSessionFailures.GuardAsync(sessionToken, () => TodoListQuery.PageAsync(container, range, limit, after, sessionToken, cancellationToken));

    /// <summary>
    /// A short opaque tag that changes whenever the live list may have changed. Read it before the list it describes:
    /// a write landing in between then only costs the next poll a full answer, never a stale "not modified". Read
    /// with the session too: a lagging replica's tag could equal the one a client held before its write.
    /// </summary>
    public Task<string> ValidatorAsync(CancellationToken cancellationToken) =>
        ReadSessionFailures.GuardAsync(sessionToken, () => ListValidator.ReadAsync(container, pointer, cancellationToken, sessionToken: sessionToken));
}
