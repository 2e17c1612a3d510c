using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace TodoFunctions.Api.Http;

/// <summary>
/// Read-your-writes across instances: a write that wrote its todo's read document answers the read container's
/// Cosmos DB session token in <see cref="Header"/>; a GET that sends it back is served by a replica at least that
/// recent, so another instance whose own client never saw the write still reads it. The token is opaque to the
/// client; this API only checks its shape (Cosmos DB's <c>range:version#lsn[#region=lsn…]</c>, comma-separated per
/// partition key range), so a malformed one is the client's 400, not Cosmos DB's.
/// </summary>
internal static partial class ReadSessions
{
    public const string Header = "X-Session-Token";

    private const int MaxLength = 2048;

    /// <summary>The token a read must be at least as recent as; <c>null</c> when the request sends none.</summary>
    public static string? Of(HttpRequest request)
    {
        var values = request.Headers[Header];
        if (values.Count == 0) return null;
        if (values.Count > 1) throw new ProblemException(Problems.MalformedSessionToken("Send one X-Session-Token header, not several."));
        var token = values[0]!;
        return token.Length <= MaxLength && SessionToken().IsMatch(token)
            ? token
            : throw new ProblemException(Problems.MalformedSessionToken($"Send back the token a write answered with, at most {MaxLength} characters long."));
    }

    /// <summary>Adds the token a write's read document was written with, when it has one.</summary>
    public static HttpAnswer Answer(HttpAnswer answer, string? sessionToken) =>
        sessionToken is null ? answer : answer.WithHeader(Header, sessionToken);

    [GeneratedRegex(@"^\d{1,10}:(-?\d{1,20}#)?\d{1,20}(#\d{1,10}=-?\d{1,20})*(,\d{1,10}:(-?\d{1,20}#)?\d{1,20}(#\d{1,10}=-?\d{1,20})*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SessionToken();
}
