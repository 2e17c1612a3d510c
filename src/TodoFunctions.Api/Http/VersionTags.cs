using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace TodoFunctions.Api.Http;

/// <summary>Optimistic concurrency on the wire: a todo's ETag is its stream version, and If-Match asks for one.</summary>
internal static class VersionTags
{
    public static string For(long version) => $"\"{version}\"";

    /// <summary>
    /// The version an If-Match demands, or <c>null</c> for an unconditional write (<c>*</c> or no header). An If-Match
    /// naming no version (a weak tag, a list, anything else) can never match, so it is refused with 412 at once.
    /// </summary>
    public static long? ExpectedVersion(HttpRequest request)
    {
        var ifMatch = request.Headers.IfMatch.ToString().Trim();
        if (ifMatch is "" or "*") return null;
        return EntityTagHeaderValue.TryParse(ifMatch, out var tag) && !tag.IsWeak && long.TryParse(tag.Tag.Value!.Trim('"'), out var version)
            ? version
            : throw new ProblemException(Problems.PreconditionFailed($"If-Match {ifMatch} names no version of this todo; send an ETag it answered."));
    }
}
