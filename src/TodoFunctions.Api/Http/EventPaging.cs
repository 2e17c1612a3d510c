using Microsoft.AspNetCore.Http;

namespace TodoFunctions.Api.Http;

/// <summary>
/// A request for one page of a todo's events: <c>?fromVersion=K</c> (default 1) and <c>?limit=L</c> (default
/// <see cref="DefaultLimit"/>, at most <see cref="ListPaging.MaxLimit"/>). The next page's link starts after the last
/// version shown, a keyset, so a page costs the same wherever it is in a long stream.
/// </summary>
internal sealed record EventPaging(long FromVersion, int Limit)
{
    public const int DefaultLimit = 100;

    private const string FromVersionParameter = "fromVersion";
    private const string LimitParameter = "limit";

    public static EventPaging From(HttpRequest request) => new(
        QueryParameters.Version(request, FromVersionParameter, minimum: 1) ?? 1,
        QueryParameters.Single(request, LimitParameter) is { } limit ? ListPaging.ParseLimit(limit) : DefaultLimit);

    /// <summary>The <c>Link</c> header value to the page that starts at <paramref name="nextVersion"/>.</summary>
    public string NextLink(HttpRequest request, Guid todoId, long nextVersion) =>
        $"<{TodoUrls.For(request, todoId)}/events?{FromVersionParameter}={nextVersion}&{LimitParameter}={Limit}>; rel=\"next\"";
}
