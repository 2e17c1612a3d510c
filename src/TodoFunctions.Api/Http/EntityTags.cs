using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Http;

/// <summary>
/// Entity tags (RFC 9110 §8.8.3) and the two conditions that name them, If-Match (§13.1.1) and If-None-Match
/// (§13.1.2): the one place that parses and compares them. A todo's ETag is its stream version, as a strong tag.
/// A field that is not a valid list of entity tags names nothing, so a garbled If-Match fails and a garbled
/// If-None-Match holds.
/// </summary>
internal static class EntityTags
{
    public static string For(long version) => $"\"{version}\"";

    /// <summary>A weak tag for a validator that names a semantically equivalent list, not identical bytes.</summary>
    public static string Weak(string validator) => $"W/\"{validator}\"";

    /// <summary>Whether the request carries If-Match or If-None-Match, so a validator is worth reading.</summary>
    public static bool HasConditions(HttpRequest request) => !IsAbsent(request.Headers.IfMatch) || !IsAbsent(request.Headers.IfNoneMatch);

    /// <summary>Whether both conditions hold for a write to a resource whose current tag is <paramref name="currentEtag"/>: else 412.</summary>
    public static bool WriteConditionsHold(HttpRequest request, string? currentEtag) =>
        BothHold(request.Headers.IfMatch, request.Headers.IfNoneMatch, currentEtag);

    /// <summary>
    /// Whether the request's If-Match holds for <paramref name="currentEtag"/> (<c>null</c>: no current representation):
    /// strong comparison, so a weak tag never matches; <c>*</c> matches any current representation; no field holds.
    /// </summary>
    public static bool Match(HttpRequest request, string? currentEtag) => IfMatchHolds(request.Headers.IfMatch, currentEtag);

    /// <summary>
    /// Whether the request's If-None-Match holds for <paramref name="currentEtag"/>: <c>true</c> serves the
    /// representation (200), <c>false</c> means a member names it (304 on GET and HEAD, 412 on a write). Weak
    /// comparison; <c>*</c> names any current representation; no field holds.
    /// </summary>
    public static bool NoneMatch(HttpRequest request, string? currentEtag) => IfNoneMatchHolds(request.Headers.IfNoneMatch, currentEtag);

    /// <summary>The request's If-Match and If-None-Match as one condition on the version a write would change, or <c>null</c> for an unconditional write.</summary>
    public static WritePrecondition? Precondition(HttpRequest request)
    {
        if (!HasConditions(request)) return null;
        var (ifMatch, ifNoneMatch) = (request.Headers.IfMatch, request.Headers.IfNoneMatch);
        return currentVersion => BothHold(ifMatch, ifNoneMatch, currentVersion is { } version ? For(version) : null);
    }

    private static bool BothHold(StringValues ifMatch, StringValues ifNoneMatch, string? currentEtag) =>
        IfMatchHolds(ifMatch, currentEtag) && IfNoneMatchHolds(ifNoneMatch, currentEtag);

    private static bool IfMatchHolds(StringValues ifMatch, string? currentEtag) => IsAbsent(ifMatch) || Names(ifMatch, currentEtag, strong: true);

    private static bool IfNoneMatchHolds(StringValues ifNoneMatch, string? currentEtag) => IsAbsent(ifNoneMatch) || !Names(ifNoneMatch, currentEtag, strong: false);

    /// <summary>An empty field is taken as no field, as a proxy may leave one behind.</summary>
    private static bool IsAbsent(StringValues field) => string.IsNullOrWhiteSpace(field.ToString());

    /// <summary>Whether a list names the current representation; without one (a missing or deleted todo), nothing does, <c>*</c> included.</summary>
    private static bool Names(StringValues field, string? currentEtag, bool strong)
    {
        if (currentEtag is null || !EntityTagHeaderValue.TryParseStrictList(field, out var tags)) return false;
        var current = EntityTagHeaderValue.Parse(currentEtag);
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, strong));
    }
}
