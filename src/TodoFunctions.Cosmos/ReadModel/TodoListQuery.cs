using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>A page of the list and the list position to continue after; <c>null</c> when none remains.</summary>
public sealed record TodoPage(IReadOnlyList<TodoView> Todos, string? After);

/// <summary>A cursor position that is not a list position of the listing it is sent to, so the read model never issued it for that listing.</summary>
public sealed class InvalidListPositionException() : Exception("The list position is not one the read model issued.");

/// <summary>
/// The list as Cosmos serves it: live todos in <see cref="ListPosition"/> order from the index, a page being the
/// todos strictly after the last position the previous page returned (a keyset). The position is all a walk carries,
/// so it does not depend on the container or on how many physical partitions serve it. A todo that exists and does
/// not change during a walk is returned exactly once; one whose order changes may be met at both positions, or at
/// neither. Each walk stays inside its <see cref="ListRange"/>: the live list stops below <see cref="ListPosition.AfterLive"/>,
/// so no page walks over tombstones, and the trash starts above them.
/// </summary>
internal static class TodoListQuery
{
    private const string InListOrder =
        "SELECT * FROM c WHERE c.listPosition > @after AND c.listPosition < @before ORDER BY c.listPosition";

    public static async Task<IReadOnlyList<TodoView>> AllAsync(Container container, ListRange range, string? sessionToken, CancellationToken cancellationToken) =>
        [.. (await container.QueryAllAsync<TodoViewDocument>(Between(range.After, range), new QueryRequestOptions { SessionToken = sessionToken }, cancellationToken))
            .Select(document => document.ToView())];

    /// <summary>
    /// At most <paramref name="limit"/> todos after <paramref name="after"/> (from the start when <c>null</c>), read
    /// with the SDK's own continuation until the page is full or the range is drained.
    /// </summary>
    public static async Task<TodoPage> PageAsync(
        Container container, ListRange range, int limit, string? after, string? sessionToken, CancellationToken cancellationToken)
    {
        if (after is not null && !range.Holds(after)) throw new InvalidListPositionException();
        var documents = new List<TodoViewDocument>(limit);
        using var iterator = container.GetItemQueryIterator<TodoViewDocument>(Between(after ?? range.After, range), null, new QueryRequestOptions { MaxItemCount = limit, SessionToken = sessionToken });
        var leftOver = false;
        while (documents.Count < limit && iterator.HasMoreResults)
        {
            var page = await iterator.ReadNextAsync(cancellationToken);
            // After a short page the next one may hold more than the limit leaves room for, and be the last.
            leftOver = page.Count > limit - documents.Count;
            documents.AddRange(page.Take(limit - documents.Count));
        }
        var more = documents.Count == limit && (leftOver || iterator.HasMoreResults);
        return new TodoPage([.. documents.Select(document => document.ToView())], more ? documents[^1].ListPosition : null);
    }

    private static QueryDefinition Between(string after, ListRange range) =>
        new QueryDefinition(InListOrder).WithParameter("@after", after).WithParameter("@before", range.Before);
}
