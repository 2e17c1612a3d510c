using System.Text.Json;
using System.Text.Json.Serialization;

namespace TodoFunctions.Cosmos;

/// <summary>
/// A document of the events container, and so the item type of its change feed: either one event (append-only,
/// id <c>{todoId}:{version}</c>) or the stream's snapshot (id <c>{todoId}:snapshot</c>, replaced by every append).
/// Property names are fixed so System.Text.Json reads the same shape in the Cosmos client and in the Functions worker.
/// </summary>
public sealed record EventDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("todoId")] Guid TodoId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("correlationId")] string CorrelationId)
{
    public const string EventKind = "event";
    public const string SnapshotKind = "snapshot";
    public const string SnapshotType = "TodoSnapshot";

    /// <summary>False for the snapshot, which the change feed delivers alongside the events.</summary>
    [JsonIgnore]
    public bool IsEvent => Kind == EventKind;

    /// <summary>
    /// The command that appended this event (all events of one batch share it), or the last command on a snapshot:
    /// what a writer that lost its answer reads to find out whether its write happened. Absent on older documents.
    /// </summary>
    [JsonPropertyName("commandId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CommandId { get; init; }

    /// <summary>On a snapshot, the version of the fold that produced its state; absent on events and older snapshots.</summary>
    [JsonPropertyName("foldVersion")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FoldVersion { get; init; }

    /// <summary>
    /// On an event, the W3C <c>traceparent</c> of the request whose command appended it, which the projector's span links
    /// to; absent on snapshots, on older documents, and when nothing traced the request.
    /// </summary>
    [JsonPropertyName("traceparent")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceParent { get; init; }

    public static string EventId(Guid todoId, long version) => $"{todoId}:{version}";

    public static string SnapshotId(Guid todoId) => $"{todoId}:{SnapshotKind}";
}

/// <summary>An event as read back from a stream: what <c>GET /api/todos/{id}/events</c> shows.</summary>
public sealed record RecordedEvent(
    Guid TodoId, long Version, string Type, int SchemaVersion, JsonElement Data, DateTimeOffset Timestamp, string CorrelationId)
{
    internal static RecordedEvent From(EventDocument document) => new(
        document.TodoId, document.Version, document.Type, document.SchemaVersion, document.Data, document.Timestamp, document.CorrelationId);
}
