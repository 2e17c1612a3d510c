using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TodoFunctions.Api.Http;

/// <summary>
/// A request for one page of the list: <c>?limit=N</c> (1–1000) and, after the first page, the <c>cursor</c> the
/// previous page's <c>Link: rel="next"</c> carried. A cursor alone keeps the limit it was issued with.
/// </summary>
internal sealed record ListPaging(int Limit, string? Continuation)
{
    public const int MaxLimit = 1000;

    private const string LimitParameter = "limit";
    private const string CursorParameter = "cursor";
    private const int CursorFormat = 1;

    /// <summary>The page a request asks for; <c>null</c> for the bare list, which is every todo.</summary>
    public static ListPaging? From(HttpRequest request)
    {
        var query = request.Query;
        var cursor = query.ContainsKey(CursorParameter) ? DecodeCursor(query[CursorParameter].ToString()) : null;
        if (query.ContainsKey(LimitParameter)) return new(ParseLimit(query[LimitParameter].ToString()), cursor?.Token);
        return cursor is null ? null : new(cursor.Limit, cursor.Token);
    }

    /// <summary>The <c>Link</c> header value to the page after one that ended at <paramref name="continuation"/>.</summary>
    public string NextLink(HttpRequest request, string continuation)
    {
        var cursor = WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(new Cursor(CursorFormat, Limit, continuation)));
        return $"<{TodoUrls.ForPath(request, TodoRoutes.Todos)}?{LimitParameter}={Limit}&{CursorParameter}={cursor}>; rel=\"next\"";
    }

    private static int ParseLimit(string text) => int.TryParse(text, out var limit) && limit is >= 1 and <= MaxLimit
        ? limit
        : throw new ProblemException(Problems.BadQuery($"limit must be a whole number from 1 to {MaxLimit}, not '{text}'."));

    private static Cursor DecodeCursor(string text)
    {
        try
        {
            var cursor = JsonSerializer.Deserialize<Cursor>(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(text)));
            if (cursor is { Format: CursorFormat, Limit: >= 1 and <= MaxLimit, Token.Length: > 0 }) return cursor;
        }
        catch (Exception malformed) when (malformed is FormatException or JsonException) { }
        throw new ProblemException(Problems.InvalidCursor());
    }

    /// <summary>What a cursor carries, base64url-encoded JSON: its format, the page size and the read model's own continuation.</summary>
    private sealed record Cursor(int Format, int Limit, string Token);
}
