using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TodoFunctions.Api.Http;

/// <summary>
/// A request for one page of a listing (the list, the trash): <c>?limit=N</c> (1–1000) and, after the first page, the
/// <c>cursor</c> the previous page's <c>Link: rel="next"</c> carried. A cursor alone keeps the limit it was issued with.
/// The cursor is the list position to continue after (a keyset), so it stays small whatever the container and its
/// partitions; the listing it is sent to refuses a position that is not one of its own.
/// </summary>
internal sealed record ListPaging(int Limit, string? After)
{
    public const int MaxLimit = 1000;

    private const string LimitParameter = "limit";
    private const string CursorParameter = "cursor";
    private const int CursorFormat = 2;

    /// <summary>The page a request asks for; <c>null</c> for the bare list, which is every todo.</summary>
    public static ListPaging? From(HttpRequest request)
    {
        var query = request.Query;
        var cursor = query.ContainsKey(CursorParameter) ? DecodeCursor(query[CursorParameter].ToString()) : null;
        if (query.ContainsKey(LimitParameter)) return new(ParseLimit(query[LimitParameter].ToString()), cursor?.After);
        return cursor is null ? null : new(cursor.Limit, cursor.After);
    }

    /// <summary>The <c>Link</c> header value to the page of <paramref name="route"/> after one that ended at list position <paramref name="after"/>.</summary>
    public string NextLink(HttpRequest request, string route, string after)
    {
        var cursor = WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(new Cursor(CursorFormat, Limit, after)));
        return $"<{TodoUrls.ForPath(request, route)}?{LimitParameter}={Limit}&{CursorParameter}={cursor}>; rel=\"next\"";
    }

    /// <summary>A page size the API accepts, 1 to <see cref="MaxLimit"/>, for the list and for a todo's events alike; else 400.</summary>
    public static int ParseLimit(string text) => int.TryParse(text, out var limit) && limit is >= 1 and <= MaxLimit
        ? limit
        : throw new ProblemException(Problems.BadQuery($"limit must be a whole number from 1 to {MaxLimit}, not '{text}'."));

    private static Cursor DecodeCursor(string text)
    {
        try
        {
            var cursor = JsonSerializer.Deserialize<Cursor>(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(text)));
            if (cursor is { Format: CursorFormat, Limit: >= 1 and <= MaxLimit, After.Length: > 0 }) return cursor;
        }
        catch (Exception malformed) when (malformed is FormatException or JsonException) { }
        throw new ProblemException(Problems.InvalidCursor());
    }

    /// <summary>What a cursor carries, base64url-encoded JSON: its format, the page size and the list position the page ended at.</summary>
    private sealed record Cursor(
        [property: JsonPropertyName("v")] int Format,
        [property: JsonPropertyName("limit")] int Limit,
        [property: JsonPropertyName("after")] string After);
}
