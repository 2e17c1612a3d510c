namespace TodoFunctions.CosmosEmulator;

/// <summary>The emulator's partition controls, for tests that put code through a split.</summary>
public sealed partial class CosmosEmulatorServer
{
    /// <summary>
    /// Splits a live partition key range of a container in two, as the service does when a partition grows, while
    /// requests flow. Requests addressed to the parent then answer 410/1002. Returns the children's range ids.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The database, container or live range does not exist.</exception>
    public IReadOnlyList<string> SplitPartitionKeyRange(string databaseId, string containerId, string rangeId) =>
        [.. partitionControl.Split(databaseId, containerId, rangeId).Select(range => range.Id)];
}
