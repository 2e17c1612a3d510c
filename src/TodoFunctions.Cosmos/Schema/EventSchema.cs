using System.Text.Json;

namespace TodoFunctions.Cosmos;

/// <summary>An event's <c>type</c> and <c>data</c> as stored: what an upcaster reads and returns.</summary>
public sealed record StoredEventData(string Type, JsonElement Data);

/// <summary>
/// The shapes this code writes and reads: the schema version of the events it appends, the version of the fold
/// whose state its snapshots hold, and the upcasters that lift an older event one schema version at a time
/// (<c>Upcasters[n]</c> turns version n into n + 1). Registered in DI with <see cref="Current"/> as the default,
/// so a test can run a later release's schema against documents written by today's.
/// </summary>
public sealed record EventSchema(int EventVersion, int FoldVersion, IReadOnlyDictionary<int, Func<StoredEventData, StoredEventData>> Upcasters)
{
    /// <summary>
    /// Today's shapes: events at version 1, nothing to upcast yet; fold version 2 added the purge flag and the completion
    /// and deletion times to the state, so a snapshot of fold 1 is folded again from its events.
    /// </summary>
    public static EventSchema Current { get; } = new(EventVersion: 1, FoldVersion: 2, new Dictionary<int, Func<StoredEventData, StoredEventData>>());
}
