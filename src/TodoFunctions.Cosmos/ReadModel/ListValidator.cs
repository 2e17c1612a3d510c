using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>
/// A validator of the whole list that costs no write: the live read container's change-feed position, read as one
/// empty change-feed page from "now" per physical partition (all of them at once, a 304 of about 1 RU each, whose
/// continuation holds its position), hashed with the live container and version of the read-model
/// pointer. Every write to that container moves the position and a rebuild's switch changes the pointer, so no writer
/// has to cooperate and no document is rewritten by every write. A <c>scope</c> names what else the answer depends
/// on (the statistics: the UTC day their "today" is).
/// </summary>
internal static class ListValidator
{
    public static async Task<string> ReadAsync(Container live, ReadModelPointer pointer, CancellationToken cancellationToken, string scope = "", string? sessionToken = null)
    {
        var ranges = await live.GetFeedRangesAsync(cancellationToken);
        var positions = await Task.WhenAll(ranges.Select(range => PositionAsync(live, range, sessionToken, cancellationToken)));
        var identity = $"{pointer.LiveContainer}\n{pointer.LiveVersion}\n{string.Join("\n", positions)}{(scope.Length > 0 ? $"\n{scope}" : "")}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 8));
    }

    /// <summary>One physical partition's change-feed position: the partitions are read in parallel, not one after another.</summary>
    private static async Task<string?> PositionAsync(Container live, FeedRange range, string? sessionToken, CancellationToken cancellationToken)
    {
        var options = new ChangeFeedRequestOptions { PageSizeHint = 1 };
        // The change feed's options have no session token of their own.
        if (sessionToken is not null) options.AddRequestHeaders = headers => headers.Add("x-ms-session-token", sessionToken);
        using var iterator = live.GetChangeFeedStreamIterator(ChangeFeedStartFrom.Now(range), ChangeFeedMode.LatestVersion, options);
        using var response = await iterator.ReadNextAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotModified) response.EnsureSuccessStatusCode();
        return response.ContinuationToken;
    }
}
