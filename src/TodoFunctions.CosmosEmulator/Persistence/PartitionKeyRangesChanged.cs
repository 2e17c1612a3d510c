using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>A container's partition key ranges after it was created with several or after a split (the whole set,
/// so replay needs only the last one). A container without this entry has one range.</summary>
public sealed record PartitionKeyRangesChanged(string Database, string Container, JObject Ranges) : JournalEntry;
