namespace TodoFunctions.CosmosEmulator.Partitions;

/// <summary>
/// A physical partition: the effective partition keys from <see cref="MinInclusive"/> up to
/// <see cref="MaxExclusive"/>, and the ranges it was split from (the SDK drops those from its routing map).
/// </summary>
internal sealed record PartitionKeyRange(string Id, string MinInclusive, string MaxExclusive, IReadOnlyList<string> Parents)
{
    public const string MinimumKey = "";
    public const string MaximumKey = "FF";

    public bool Contains(string effectivePartitionKey) => new EffectiveKeyRange(MinInclusive, MaxExclusive).Contains(effectivePartitionKey);
}

/// <summary>A part of the key space that a feed request reads: a range, or the sub-range of it the SDK asked for.</summary>
internal sealed record EffectiveKeyRange(string MinInclusive, string MaxExclusive)
{
    public bool Contains(string effectivePartitionKey) =>
        string.CompareOrdinal(effectivePartitionKey, MinInclusive) >= 0 && string.CompareOrdinal(effectivePartitionKey, MaxExclusive) < 0;
}
