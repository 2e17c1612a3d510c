using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// Every event in the events container, read through the SDK once the workload is over: the truth that answers and the
/// read model are checked against, each stream folded with the domain's own <see cref="Todo.Evolve"/>.
/// </summary>
internal sealed class StoredLog
{
    private static readonly TodoEventCodec Codec = new(EventSchema.Current);

    private StoredLog(IReadOnlyList<EventDocument> events)
    {
        Streams = events.GroupBy(e => e.TodoId).ToDictionary(stream => stream.Key, stream => (IReadOnlyList<EventDocument>)[.. stream.OrderBy(e => e.Version)]);
        ByCorrelationId = events.ToLookup(e => e.CorrelationId);
    }

    public IReadOnlyDictionary<Guid, IReadOnlyList<EventDocument>> Streams { get; }

    public ILookup<string, EventDocument> ByCorrelationId { get; }

    public static async Task<StoredLog> ReadAsync(Container events)
    {
        var documents = new List<EventDocument>();
        using var query = events.GetItemQueryStreamIterator(
            new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind").WithParameter("@kind", EventDocument.EventKind));
        while (query.HasMoreResults)
        {
            using var page = await query.ReadNextAsync();
            page.EnsureSuccessStatusCode();
            using var json = await JsonDocument.ParseAsync(page.Content);
            documents.AddRange(json.RootElement.GetProperty("Documents").EnumerateArray().Select(document => document.Deserialize<EventDocument>(TodoJson.Options)!));
        }
        return new StoredLog(documents);
    }

    /// <summary>The todo as its stream stood at <paramref name="version"/>.</summary>
    public Todo? StateAt(Guid todoId, long version) =>
        Streams.TryGetValue(todoId, out var stream) ? Todo.Fold(stream.TakeWhile(e => e.Version <= version).Select(Codec.Decode)) : null;

    public bool IsPurged(Guid todoId) => Streams.TryGetValue(todoId, out var stream) && stream.Any(e => e.Type == nameof(TodoPurged));

    public long VersionOf(Guid todoId) => Streams[todoId][^1].Version;

    /// <summary>The whole stream folded as the projectors fold it, with the times its events were recorded.</summary>
    public TodoStream StreamOf(Guid todoId) =>
        Streams[todoId].Aggregate(TodoStream.Unwritten(todoId), (stream, e) => stream.Apply(Codec.Decode(e), e.Timestamp));

    /// <summary>Every live todo as the read model must show it: <c>id title completed order dueDate</c>, in id order.</summary>
    public IReadOnlyList<string> LiveTodos() =>
    [
        .. Streams.Keys.Select(id => (Id: id, State: StateAt(id, long.MaxValue)))
            .Where(todo => todo.State is { IsDeleted: false })
            .Select(todo => Line(todo.Id, todo.State!))
            .Order(StringComparer.Ordinal),
    ];

    public static string Line(Guid id, Todo todo) => Line(id, todo.Title, todo.Completed, todo.Order, todo.DueDate);

    public static string Line(Guid id, string title, bool completed, int? order, DateOnly? dueDate) => $"{id} {title} {completed} {order} {dueDate:O}";
}
