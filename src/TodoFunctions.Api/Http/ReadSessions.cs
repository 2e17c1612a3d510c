using Microsoft.AspNetCore.Http;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Http;

/// <summary>
/// Read-your-writes across instances: a write that wrote its todo's read document answers its
/// <see cref="ReadSession"/> in <see cref="Header"/>; a GET that sends it back is served by a replica at least that
/// recent, so another instance whose own client never saw the write still reads it. A write that is sent one answers
/// the merge of both, so the latest token a client received covers all its writes. The token is opaque to clients;
/// this API checks it fully, so a malformed one is the client's 400, never Cosmos DB's.
/// </summary>
internal static class ReadSessions
{
    public const string Header = "X-Session-Token";

    private const int MaxLength = 2048;

    /// <summary>The session a read must be at least as recent as; <c>null</c> when the request sends none.</summary>
    public static ReadSession? Of(HttpRequest request)
    {
        var values = request.Headers[Header];
        if (values.Count == 0) return null;
        if (values.Count > 1) throw new ProblemException(Problems.MalformedSessionToken("Send one X-Session-Token header, not several."));
        var token = values[0]!;
        return token.Length <= MaxLength && ReadSession.Parse(token) is { } session
            ? session
            : throw new ProblemException(Problems.MalformedSessionToken($"Send back the token a write answered with, at most {MaxLength} characters long."));
    }

    /// <summary>
    /// Adds the session a write's read document was written with, when it has one, merged with the one the request
    /// sent; a write has already happened, so a malformed token sent with it is only left out of the merge.
    /// </summary>
    public static HttpAnswer Answer(HttpAnswer answer, HttpRequest request, ReadSession? written)
    {
        if (written is null) return answer;
        var sent = request.Headers[Header] is [{ Length: <= MaxLength } token] ? ReadSession.Parse(token) : null;
        return answer.WithHeader(Header, written.Covering(sent).ToString());
    }
}
