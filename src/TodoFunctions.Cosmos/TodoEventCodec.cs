using System.Text.Json;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Turns domain events and snapshots into stored documents and back, under one <see cref="EventSchema"/>: each event
/// is written at its type's current schema version, an event of an older version is upcast on read, and a snapshot
/// another fold produced is refused, so the stream is folded from its events instead of failing.
/// </summary>
internal sealed class TodoEventCodec(EventSchema schema)
{
    /// <summary>The fold version of snapshots written before snapshots recorded it: the first one.</summary>
    private const int FirstFoldVersion = 1;

    /// <summary>The snapshot's own shape is versioned by its fold version; its schema version stays the first.</summary>
    private const int SnapshotSchemaVersion = 1;

    public EventDocument EventFor(Guid todoId, long version, TodoEvent @event, DateTimeOffset timestamp, CommandContext command) =>
        new(EventDocument.EventId(todoId, version), todoId, EventDocument.EventKind, version, @event.GetType().Name, schema.VersionOf(@event.GetType().Name),
            JsonSerializer.SerializeToElement(@event, @event.GetType(), TodoJson.Options), timestamp, command.CorrelationId)
        {
            CommandId = command.CommandId,
            TraceParent = command.TraceParent,
        };

    public EventDocument SnapshotFor(TodoStream stream, DateTimeOffset timestamp, CommandContext command)
    {
        var state = stream.State ?? throw new InvalidOperationException("An unwritten stream has no snapshot.");
        var data = new SnapshotData(state.Title, state.Completed, state.Order, state.IsDeleted, stream.CreatedAt, state.IsPurged, stream.CompletedAt, stream.DeletedAt, state.DueDate);
        return new EventDocument(EventDocument.SnapshotId(stream.TodoId), stream.TodoId, EventDocument.SnapshotKind, stream.Version,
            EventDocument.SnapshotType, SnapshotSchemaVersion, JsonSerializer.SerializeToElement(data, TodoJson.Options), timestamp, command.CorrelationId)
        {
            CommandId = command.CommandId,
            FoldVersion = schema.FoldVersion,
        };
    }

    /// <inheritdoc cref="EventSchema.Reads"/>
    public bool Reads(string type, int schemaVersion) => schema.Reads(type, schemaVersion);

    public TodoEvent Decode(EventDocument document)
    {
        var stored = schema.Upcast(document);
        return stored.Type switch
        {
            nameof(TodoCreated) => Read<TodoCreated>(stored.Data, document),
            nameof(TodoTitleUpdated) => Read<TodoTitleUpdated>(stored.Data, document),
            nameof(TodoCompleted) => new TodoCompleted(),
            nameof(TodoUncompleted) => new TodoUncompleted(),
            nameof(TodoOrderUpdated) => Read<TodoOrderUpdated>(stored.Data, document),
            nameof(TodoDueDateChanged) => Read<TodoDueDateChanged>(stored.Data, document),
            nameof(TodoDeleted) => new TodoDeleted(),
            nameof(TodoRestored) => new TodoRestored(),
            nameof(TodoPurged) => new TodoPurged(),
            _ => throw new InvalidDataException($"Document {document.Id} holds an unknown event type '{stored.Type}'."),
        };
    }

    /// <summary>The write side's fold: <paramref name="stream"/> after <paramref name="events"/>, each decoded (and upcast) in order.</summary>
    public TodoStream Fold(TodoStream stream, IEnumerable<EventDocument> events) =>
        events.Aggregate(stream, (folded, document) => folded.Apply(Decode(document), document.Timestamp));

    /// <summary>
    /// The stream a snapshot holds, or <c>null</c> when this code's fold cannot use it: another fold (older, or newer
    /// after a rollback) produced it, or its data does not read as this fold's state.
    /// </summary>
    public TodoStream? DecodeSnapshot(EventDocument document, string etag)
    {
        if ((document.FoldVersion ?? FirstFoldVersion) != schema.FoldVersion) return null;
        SnapshotData? data;
        try
        {
            data = document.Data.Deserialize<SnapshotData>(TodoJson.Options);
        }
        catch (Exception unreadable) when (unreadable is JsonException or InvalidOperationException)
        {
            return null;
        }
        return data is { Title: not null }
            ? new TodoStream(document.TodoId, new Todo(data.Title, data.Completed, data.Order, data.Deleted, data.Purged, data.DueDate), document.Version, data.CreatedAt, etag)
            {
                CompletedAt = data.CompletedAt,
                DeletedAt = data.DeletedAt,
            }
            : null;
    }

    private static T Read<T>(JsonElement data, EventDocument document) =>
        data.Deserialize<T>(TodoJson.Options) ?? throw new InvalidDataException($"Document {document.Id} has no data.");

    private sealed record SnapshotData(
        string Title, bool Completed, int? Order, bool Deleted, DateTimeOffset CreatedAt, bool Purged, DateTimeOffset? CompletedAt, DateTimeOffset? DeletedAt,
        DateOnly? DueDate = null);
}
