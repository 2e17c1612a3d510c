using System.Net;
using TodoFunctions.CosmosEmulator.Partitions;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// Which partition key range a feed request (query, read feed, change feed) addresses: the range named in
/// <c>x-ms-documentdb-partitionkeyrangeid</c>, narrowed to <c>x-ms-start-epk</c>/<c>x-ms-end-epk</c> when the SDK
/// reads part of it (e.g. a lease made before a split). A range that was split is gone: 410 with sub-status 1002,
/// after which the SDK reloads the ranges and retries on the children.
/// </summary>
internal static class RangeRouting
{
    public const string PartitionKeyRangeId = "x-ms-documentdb-partitionkeyrangeid";
    public const string StartEffectiveKey = "x-ms-start-epk";
    public const string EndEffectiveKey = "x-ms-end-epk";
    public const int PartitionKeyRangeGone = 1002;

    /// <summary>The part of the key space in scope; null when the request names no range (the whole container).</summary>
    public static EffectiveKeyRange? KeyRangeOf(GatewayRequest request, ContainerStore container)
    {
        if (AddressedRange(request, container) is not { } range)
            return null;
        var start = request.Header(StartEffectiveKey) is { } from && string.CompareOrdinal(from, range.MinInclusive) > 0 ? from : range.MinInclusive;
        var end = request.Header(EndEffectiveKey) is { Length: > 0 } to && string.CompareOrdinal(to, range.MaxExclusive) < 0 ? to : range.MaxExclusive;
        return new EffectiveKeyRange(start, end);
    }

    /// <summary>The live range a request names; throws 410/1002 when it names one that no longer exists.</summary>
    public static PartitionKeyRange? AddressedRange(GatewayRequest request, ContainerStore container)
    {
        if (AddressedRangeId(request) is not { } id)
            return null;
        return container.Partitions.Ranges.Find(id)
            ?? throw new GatewayException(HttpStatusCode.Gone, $"The partition key range '{id}' is gone (it was split).", PartitionKeyRangeGone);
    }

    /// <summary>The session token of a response, <c>rangeId:-1#lsn</c>, for the range the request touched (the SDK
    /// accepts one range per response; a request over the whole container reports the first), at the container's
    /// latest LSN or at the snapshot a lagging replica served.</summary>
    public static string SessionToken(GatewayRequest request, ContainerStore container, long? snapshotLsn)
    {
        var ranges = container.Partitions.Ranges;
        var touched = request.PartitionKeyJson is { } partitionKey
            ? container.Partitions.RangeOf(partitionKey)
            : ranges.Find(AddressedRangeId(request) ?? "") ?? ranges.Ranges[0];
        return $"{touched.Id}:-1#{snapshotLsn ?? container.Lsn}";
    }

    // The header may come as "<collectionRid>,<rangeId>".
    public static string? AddressedRangeId(GatewayRequest request) =>
        request.Header(PartitionKeyRangeId) is { Length: > 0 } header ? header[(header.LastIndexOf(',') + 1)..] : null;
}
