namespace TodoFunctions.CosmosEmulator.Store;

internal sealed partial class ContainerStore
{
    /// <summary>The items of one partition key value, by id; they share this one copy of the key.</summary>
    private sealed class Partition(string key) : Dictionary<string, StoredDocument>(StringComparer.Ordinal)
    {
        public string Key { get; } = key;
    }
}
