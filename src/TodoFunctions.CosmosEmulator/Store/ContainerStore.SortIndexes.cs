using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Partitions;
using TodoFunctions.CosmosEmulator.Query;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// The ordered indexes that serve ORDER BY queries: one per sort key list, built on its first query and then kept
/// up to date by every change to the stored items (write, delete, expiry purge, replay), under the container's lock.
/// </summary>
internal sealed partial class ContainerStore
{
    private readonly Dictionary<string, SortIndex> sortIndexes = new(StringComparer.Ordinal);

    /// <summary>
    /// Walks the live items of a part of the key space (all of it when <paramref name="keyRange"/> is null) in
    /// <paramref name="query"/>'s result order, from just after <paramref name="after"/> and inside the range its filter
    /// puts on the leading sort key, over the latest state as of the call; writes made during the walk are not seen.
    /// The walk counts the items it loads.
    /// </summary>
    public SortIndexWalk WalkInSortOrder(CosmosSqlQuery query, RowPosition? after, SortKeyBounds bounds, EffectiveKeyRange? keyRange)
    {
        lock (gate)
        {
            if (!sortIndexes.TryGetValue(query.SortIndexName, out var index))
                sortIndexes[query.SortIndexName] = index = new SortIndex(query, partitions.Values.SelectMany(partition => partition.Values));
            var now = clock.GetUtcNow();
            var inScope = SortIndex.After(index.Snapshot, after, bounds, query.LeadingKeyDescending)
                .Where(document => InRange(document.PartitionKeyJson, keyRange) && !IsExpired(document, now));
            return new SortIndexWalk(inScope);
        }
    }

    /// <summary>
    /// As <see cref="WalkInSortOrder"/>, within one partition key value, as the service seeks within a logical
    /// partition in its range index: what lies outside the filter's range on the leading key, or in other partitions,
    /// is not loaded. The partition's index is built for the query over its items (a logical partition is small).
    /// </summary>
    public SortIndexWalk WalkPartitionInSortOrder(CosmosSqlQuery query, string partitionKeyJson, RowPosition? after, SortKeyBounds bounds, EffectiveKeyRange? keyRange)
    {
        lock (gate)
        {
            var items = InRange(partitionKeyJson, keyRange) ? partitions.GetValueOrDefault(partitionKeyJson)?.Values ?? Enumerable.Empty<StoredDocument>() : [];
            var now = clock.GetUtcNow();
            var inScope = SortIndex.After(new SortIndex(query, items).Snapshot, after, bounds, query.LeadingKeyDescending)
                .Where(document => !IsExpired(document, now));
            return new SortIndexWalk(inScope);
        }
    }
}

/// <summary>The items an index walk yields, and how many it has loaded so far (the query cost model's count).</summary>
internal sealed class SortIndexWalk(IEnumerable<StoredDocument> inScope)
{
    public int Loaded { get; private set; }

    public IEnumerable<JObject> Documents => inScope.Select(document =>
    {
        Loaded++;
        return document.ParseBody();
    });
}
