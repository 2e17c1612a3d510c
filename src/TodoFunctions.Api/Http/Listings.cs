using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Http;

/// <summary>
/// A GET or HEAD of a listing, the list or the trash: its weak ETag (the live container's change-feed position), the
/// conditions against it, then every todo, or one page with a <c>Link</c> to the next. One flow for both, so the trash
/// pages, validates and refuses cursors exactly as the list does.
/// </summary>
internal static class Listings
{
    public static async Task<HttpAnswer> ReadAsync(
        HttpRequest request, string route, Func<Task<LiveList>> open, Func<IReadOnlyList<TodoView>, HttpAnswer> represent, CancellationToken cancellationToken)
    {
        var paging = ListPaging.From(request);
        var listing = await open();
        var etag = EntityTags.Weak(await listing.ValidatorAsync(cancellationToken));
        if (!EntityTags.Match(request, etag)) return PreconditionFailed();
        if (!EntityTags.NoneMatch(request, etag)) return new HttpAnswer(StatusCodes.Status304NotModified).WithHeader(HeaderNames.ETag, etag);
        if (paging is null) return represent(await listing.AllAsync(cancellationToken)).WithHeader(HeaderNames.ETag, etag);
        var page = await listing.PageAsync(paging.Limit, paging.After, cancellationToken);
        var answer = represent(page.Todos).WithHeader(HeaderNames.ETag, etag);
        return page.After is { } next ? answer.WithHeader(HeaderNames.Link, paging.NextLink(request, route, next)) : answer;
    }

    public static HttpAnswer PreconditionFailed() => Problems.PreconditionFailed(
        "The list's entity tag is weak, so If-Match holds only for *; If-None-Match fails when it names the list's current tag or *.");
}
