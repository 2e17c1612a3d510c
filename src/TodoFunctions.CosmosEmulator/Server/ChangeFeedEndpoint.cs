using System.Globalization;
using System.Net;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// The latest-version change feed of one partition key range (or part of one, or one partition key). The ETag is the LSN to continue
/// after; the SDK sends it back in <c>If-None-Match</c> (<c>*</c> = from now; none = from the beginning, or from
/// <c>If-Modified-Since</c>), and an empty page is a real 304.
/// </summary>
internal sealed class ChangeFeedEndpoint
{
    public static bool IsChangeFeedRequest(GatewayRequest request) =>
        string.Equals(request.Header(CosmosHeaders.IncrementalFeed), "Incremental Feed", StringComparison.OrdinalIgnoreCase);

    /// <summary>A page of changes; a reader behind a lagging replica sees those up to <paramref name="snapshotLsn"/>.</summary>
    public GatewayResponse Read(GatewayRequest request, ContainerStore container, long? snapshotLsn = null)
    {
        var ifNoneMatch = request.IfNoneMatch;
        var afterLsn = ifNoneMatch switch
        {
            null or "" => 0,
            "*" => snapshotLsn ?? container.Lsn,
            _ => long.TryParse(ifNoneMatch.Trim('"'), out var lsn) && lsn >= 0
                ? lsn
                : throw GatewayException.BadRequest($"The change feed continuation '{ifNoneMatch}' was not issued by this emulator."),
        };
        DateTimeOffset? modifiedSince = string.IsNullOrEmpty(ifNoneMatch)
            && DateTimeOffset.TryParse(request.Header("If-Modified-Since"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
                ? since
                : null;
        var (documents, continueAfter) = container.ReadChanges(
            afterLsn, modifiedSince, request.PartitionKeyJson, request.MaxItemCount, RangeRouting.KeyRangeOf(request, container), snapshotLsn);
        var etag = $"\"{continueAfter}\"";
        return documents.Count == 0
            ? new GatewayResponse(HttpStatusCode.NotModified, RequestCharges.ChangeFeedPage([])).With("etag", etag).With(CosmosHeaders.ItemCount, "0")
            : GatewayResponse.Feed(container.Rid, "Documents", documents, RequestCharges.ChangeFeedPage(documents)).With("etag", etag);
    }
}
