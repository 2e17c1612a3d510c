using System.Collections.Concurrent;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Partitions;

/// <summary>
/// Where a container's items live: the effective partition key of each partition key value (computed once) and
/// the current set of partition key ranges. The store changes the set under its own lock; readers see one
/// immutable set at a time.
/// </summary>
internal sealed class ContainerPartitions(JObject partitionKeyDefinition)
{
    private readonly EffectivePartitionKeys keys = new(partitionKeyDefinition);
    private readonly ConcurrentDictionary<string, string> effectiveKeyByPartitionKey = new(StringComparer.Ordinal);
    private volatile PartitionKeyRangeSet ranges = PartitionKeyRangeSet.Single;

    public PartitionKeyRangeSet Ranges
    {
        get => ranges;
        set => ranges = value;
    }

    public string EffectiveKeyOf(string partitionKeyJson) => effectiveKeyByPartitionKey.GetOrAdd(partitionKeyJson, keys.Of);

    public PartitionKeyRange RangeOf(string partitionKeyJson) => Ranges.RangeOf(EffectiveKeyOf(partitionKeyJson));

    /// <summary><paramref name="count"/> ranges of equal width, as the service lays out a new container's partitions.</summary>
    public PartitionKeyRangeSet Even(int count) => PartitionKeyRangeSet.Even(keys.Boundaries(count));

    /// <summary>
    /// The set after splitting range <paramref name="id"/> at the median of the partition keys stored in it, so both
    /// children hold data (the service splits by size too); at the middle of the range when it holds fewer than two.
    /// </summary>
    public PartitionKeyRangeSet Split(string id, IEnumerable<string> storedPartitionKeys)
    {
        var parent = Ranges.Find(id) ?? throw new KeyNotFoundException($"The container has no live partition key range '{id}'.");
        var keysInRange = storedPartitionKeys.Select(EffectiveKeyOf).Where(parent.Contains).Distinct().Order(StringComparer.Ordinal).ToList();
        var splitKey = keysInRange.Count >= 2 ? keysInRange[keysInRange.Count / 2] : keys.Middle(parent.MinInclusive, parent.MaxExclusive);
        return Ranges.Split(id, splitKey);
    }
}
