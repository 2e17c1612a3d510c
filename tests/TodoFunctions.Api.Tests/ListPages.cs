using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TodoFunctions.Api.Tests;

/// <summary>Reads the paged list as a client does: the first page, then each <c>Link: rel="next"</c> until none is left.</summary>
internal static partial class ListPages
{
    public sealed record Page(JsonElement[] Todos, string? Next, string? ETag);

    public static async Task<Page> GetPageAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var next = response.Headers.TryGetValues("Link", out var links) ? NextLink().Match(string.Join(", ", links)) : null;
        return new Page(
            [.. (await response.ReadJsonAsync()).EnumerateArray()],
            next is { Success: true } ? next.Groups["url"].Value : null,
            response.Headers.ETag?.ToString());
    }

    /// <summary>Every page of a walk from <paramref name="firstPage"/>, in order.</summary>
    public static async Task<List<Page>> WalkAsync(this HttpClient client, string firstPage, Func<Task>? betweenPages = null)
    {
        var pages = new List<Page> { await client.GetPageAsync(firstPage) };
        while (pages[^1].Next is { } next)
        {
            if (betweenPages is not null) await betweenPages();
            pages.Add(await client.GetPageAsync(next));
        }
        return pages;
    }

    /// <summary>The cursor of a next link, decoded as the API encodes it: base64url of a small JSON object.</summary>
    public static JsonElement DecodeCursor(string nextLink)
    {
        var cursor = Uri.UnescapeDataString(new Uri(nextLink).Query.Split("cursor=")[1]);
        var base64 = cursor.Replace('-', '+').Replace('_', '/').PadRight(cursor.Length + (4 - cursor.Length % 4) % 4, '=');
        return JsonDocument.Parse(Convert.FromBase64String(base64)).RootElement.Clone();
    }

    public static string EncodeCursor(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<(?<url>[^>]+)>;\\s*rel=\"next\"")]
    private static partial Regex NextLink();
}
