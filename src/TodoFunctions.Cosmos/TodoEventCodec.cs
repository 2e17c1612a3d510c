using System.Text.Json;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>Turns domain events and snapshots into the <c>type</c>/<c>data</c> of stored documents and back.</summary>
internal static class TodoEventCodec
{
    /// <summary>The shape of every event's and snapshot's <c>data</c>; a change of shape gets a new number and an upcaster here.</summary>
    public const int SchemaVersion = 1;

    public static string TypeOf(TodoEvent @event) => @event.GetType().Name;

    public static JsonElement Encode(TodoEvent @event) => JsonSerializer.SerializeToElement(@event, @event.GetType(), TodoJson.Options);

    public static TodoEvent Decode(EventDocument document)
    {
        RequireKnownSchema(document);
        return document.Type switch
        {
            nameof(TodoCreated) => Read<TodoCreated>(document),
            nameof(TodoTitleUpdated) => Read<TodoTitleUpdated>(document),
            nameof(TodoCompleted) => new TodoCompleted(),
            nameof(TodoUncompleted) => new TodoUncompleted(),
            nameof(TodoOrderUpdated) => Read<TodoOrderUpdated>(document),
            nameof(TodoDeleted) => new TodoDeleted(),
            _ => throw new InvalidDataException($"Document {document.Id} holds an unknown event type '{document.Type}'."),
        };
    }

    public static JsonElement EncodeSnapshot(TodoStream stream)
    {
        var state = stream.State ?? throw new InvalidOperationException("An unwritten stream has no snapshot.");
        return JsonSerializer.SerializeToElement(
            new SnapshotData(state.Title, state.Completed, state.Order, state.IsDeleted, stream.CreatedAt), TodoJson.Options);
    }

    public static TodoStream DecodeSnapshot(EventDocument document, string etag)
    {
        RequireKnownSchema(document);
        var data = Read<SnapshotData>(document);
        return new TodoStream(document.TodoId, new Todo(data.Title, data.Completed, data.Order, data.Deleted), document.Version, data.CreatedAt, etag);
    }

    private static T Read<T>(EventDocument document) =>
        document.Data.Deserialize<T>(TodoJson.Options) ?? throw new InvalidDataException($"Document {document.Id} has no data.");

    private static void RequireKnownSchema(EventDocument document)
    {
        if (document.SchemaVersion != SchemaVersion)
            throw new InvalidDataException($"Document {document.Id} has schema version {document.SchemaVersion}; this code reads {SchemaVersion}.");
    }

    private sealed record SnapshotData(string Title, bool Completed, int? Order, bool Deleted, DateTimeOffset CreatedAt);
}
