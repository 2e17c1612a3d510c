using System.Net;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>A page of the list and the read model's own continuation to the next one; <c>null</c> when none remains.</summary>
public sealed record TodoPage(IReadOnlyList<TodoView> Todos, string? Continuation);

/// <summary>A continuation the read model did not issue, or one the query engine cannot resume from.</summary>
public sealed class InvalidListContinuationException(Exception inner)
    : Exception("The list continuation is not one the read model issued.", inner);

/// <summary>
/// The list as Cosmos serves it: in <see cref="ListPosition"/> order from the index, paged with the SDK's own
/// continuation, which resumes after the last (sort key, _rid) it returned. A todo that exists and does not change
/// during a walk is therefore returned exactly once; one whose order changes may be met at both positions, or at neither.
/// </summary>
internal static class TodoListQuery
{
    private static readonly QueryDefinition LiveInListOrder =
        new("SELECT * FROM c WHERE c.deleted = false AND c.version > 0 ORDER BY c.listPosition");

    public static async Task<IReadOnlyList<TodoView>> AllAsync(Container container, CancellationToken cancellationToken) =>
        [.. (await container.QueryAllAsync<TodoViewDocument>(LiveInListOrder, null, cancellationToken)).Select(document => document.ToView())];

    /// <summary>At most <paramref name="limit"/> todos; a page the service cut short is answered as it is, never padded past the limit.</summary>
    public static async Task<TodoPage> PageAsync(Container container, int limit, string? continuation, CancellationToken cancellationToken)
    {
        try
        {
            using var iterator = container.GetItemQueryIterator<TodoViewDocument>(
                LiveInListOrder, continuation, new QueryRequestOptions { MaxItemCount = limit });
            while (iterator.HasMoreResults)
            {
                var page = await iterator.ReadNextAsync(cancellationToken);
                if (page.Count > 0 || page.ContinuationToken is null)
                    return new TodoPage([.. page.Select(document => document.ToView())], page.ContinuationToken);
            }
            return new TodoPage([], null);
        }
        // The SDK reports a continuation it cannot parse, like the service one it cannot resume from, as a 400.
        catch (CosmosException refused) when (continuation is not null && refused.StatusCode == HttpStatusCode.BadRequest)
        {
            throw new InvalidListContinuationException(refused);
        }
    }
}
