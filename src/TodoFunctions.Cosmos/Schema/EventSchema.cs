using System.Text.Json;
using System.Text.RegularExpressions;

namespace TodoFunctions.Cosmos;

/// <summary>An event's <c>type</c> and <c>data</c> as stored: what an upcaster reads and returns.</summary>
public sealed record StoredEventData(string Type, JsonElement Data);

/// <summary>
/// The shapes this code writes and reads: per event type, the chain of upcasters that lift a stored event one schema
/// version at a time (the chain's <c>n</c>-th entry turns version n into n + 1, so a type's current version is its
/// chain's length plus one), and the version of the fold whose state its snapshots hold. The table itself is
/// <see cref="Current"/> (in <c>TodoEventSchema.cs</c>); it is registered in DI, so a test can run a later release's
/// schema against documents written by today's.
/// </summary>
public sealed partial record EventSchema(int FoldVersion, IReadOnlyDictionary<string, IReadOnlyList<Func<StoredEventData, StoredEventData>>> Upcasters)
{
    /// <summary>The schema version this code writes events of <paramref name="type"/> with.</summary>
    public int VersionOf(string type) => Upcasters.TryGetValue(type, out var chain)
        ? chain.Count + 1
        : throw new InvalidOperationException($"The event type {type} has no entry in the event schema; add one to TodoEventSchema.cs.");

    /// <summary>Whether this code reads events of <paramref name="type"/> stored at <paramref name="schemaVersion"/>.</summary>
    public bool Reads(string type, int schemaVersion) => Upcasters.TryGetValue(type, out var chain) && schemaVersion <= chain.Count + 1;

    /// <summary>This schema with one more version of <paramref name="type"/>, reached from the current one by <paramref name="upcaster"/>.</summary>
    public EventSchema WithUpcaster(string type, Func<StoredEventData, StoredEventData> upcaster) => this with
    {
        Upcasters = new Dictionary<string, IReadOnlyList<Func<StoredEventData, StoredEventData>>>(Upcasters) { [type] = [.. Upcasters[type], upcaster] },
    };

    /// <summary>
    /// The event of a stored document in this code's current shape of its type. A type the schema does not know, or a
    /// version newer than this code reads, is never guessed at: when the document reads as an event (a type named as
    /// event types are, a version, a data object) a newer release wrote it; otherwise it is left as stored, for the
    /// decoder to refuse as corrupt.
    /// </summary>
    public StoredEventData Upcast(EventDocument document)
    {
        var stored = new StoredEventData(document.Type, document.Data);
        if (!Upcasters.TryGetValue(document.Type, out var chain))
            return ReadsAsAnEvent(document) ? throw EventFromNewerReleaseException.OfUnknownType(document.Id, document.Type, document.SchemaVersion) : stored;
        if (document.SchemaVersion > chain.Count + 1)
            throw new EventFromNewerReleaseException(document.Id, document.Type, document.SchemaVersion, chain.Count + 1);
        if (document.SchemaVersion < 1)
            throw new InvalidDataException($"Document {document.Id} has schema version {document.SchemaVersion}; versions start at 1.");
        for (var version = document.SchemaVersion; version <= chain.Count; version++)
            stored = chain[version - 1](stored);
        return stored;
    }

    private static bool ReadsAsAnEvent(EventDocument document) =>
        EventTypeName().IsMatch(document.Type ?? "") && document.SchemaVersion >= 1 && document.Data.ValueKind == JsonValueKind.Object;

    /// <summary>How every event type is named: a PascalCase name, as the records in <c>TodoEvents.cs</c> are.</summary>
    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex EventTypeName();
}
