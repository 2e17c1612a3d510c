using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Http;

/// <summary>
/// <c>GET /api/todos/{id}?version=N</c> or <c>?asOf=&lt;RFC 3339 date-time&gt;</c>: the todo as a GET would have
/// answered then, folded from its events. The answer is a Memento (RFC 7089): <c>Memento-Datetime</c> says when the
/// event it ends at was recorded, <c>Link: rel="original"</c> names the live todo, and the <c>ETag</c> is that version,
/// with If-Match and If-None-Match evaluated against it as on the live todo.
/// </summary>
internal static partial class HistoricalReads
{
    public const string MementoDatetimeHeader = "Memento-Datetime";

    private const string VersionParameter = "version";
    private const string AsOfParameter = "asOf";

    /// <summary>Whether the request asks for a past state rather than the live todo.</summary>
    public static bool Requested(HttpRequest request) => request.Query.ContainsKey(VersionParameter) || request.Query.ContainsKey(AsOfParameter);

    public static async Task<HttpAnswer> AnswerAsync(HttpRequest request, TodoHistory history, Guid todoId, CancellationToken cancellationToken)
    {
        var (version, asOf) = (QueryParameters.Version(request, VersionParameter, minimum: 0), AsOf(request));
        var past = (version, asOf) switch
        {
            ({ } atVersion, null) => await history.AtVersionAsync(todoId, atVersion, cancellationToken),
            (null, { } atTime) => await history.AsOfAsync(todoId, atTime, cancellationToken),
            _ => throw QueryParameters.Refused($"Give either {VersionParameter} or {AsOfParameter}, not both."),
        };
        if (past is { PurgedSince: true }) return Problems.Purged();
        var todo = past?.Todo;
        var etag = todo is null ? null : EntityTags.For(todo.Version);
        if (!EntityTags.Match(request, etag)) return Problems.ForRefusal(new CommandOutcome.PreconditionFailed(todo?.Version));
        if (todo is null)
            return Problems.NotThen(version is { } missing
                ? $"This todo has no version {missing}: it does not exist, its stream ends before that version, or it was deleted at that version."
                : $"This todo did not exist at {request.Query[AsOfParameter]}: it was created later, or it was deleted then.");
        var answer = EntityTags.NoneMatch(request, etag) ? TodoAnswers.Todo(request, todo) : TodoAnswers.NotModified(todo);
        return answer
            .WithHeader(MementoDatetimeHeader, HeaderUtilities.FormatDate(past!.RecordedAt))
            .WithHeader(HeaderNames.Link, $"<{TodoUrls.For(request, todoId)}>; rel=\"original\"");
    }

    /// <summary>An RFC 3339 date-time (§5.6), which always names its offset from UTC; a local time without one is refused.</summary>
    private static DateTimeOffset? AsOf(HttpRequest request) => QueryParameters.Single(request, AsOfParameter) switch
    {
        null => null,
        var text when Rfc3339DateTime().IsMatch(text)
            && DateTimeOffset.TryParse(text.ToUpperInvariant(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) => time,
        var text => throw QueryParameters.Refused(
            $"{AsOfParameter} must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T09:30:00Z or 2026-12-01T10:30:00%2B01:00 (a '+' must be sent as %2B), not '{text}'."),
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339DateTime();
}
