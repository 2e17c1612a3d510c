namespace TodoFunctions.CosmosEmulator.Partitions;

/// <summary>How many partition key ranges a new container starts with: a default, and counts by container id.</summary>
internal sealed record PartitionLayout(int DefaultRangeCount, IReadOnlyDictionary<string, int> RangeCountsByContainer)
{
    public static PartitionLayout OneRange { get; } = new(1, new Dictionary<string, int>());

    public int RangeCountFor(string containerId) => RangeCountsByContainer.GetValueOrDefault(containerId, DefaultRangeCount);

    public static PartitionLayout From(CosmosEmulatorOptions options)
    {
        if (options.PartitionKeyRanges < 1 || options.PartitionKeyRangesByContainer.Values.Any(count => count < 1))
            throw new ArgumentException("A container needs at least one partition key range.", nameof(options));
        return new PartitionLayout(options.PartitionKeyRanges, options.PartitionKeyRangesByContainer);
    }
}
