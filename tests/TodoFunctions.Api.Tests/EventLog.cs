using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// The events container seen from outside the app: every stream folded with the domain's own <see cref="Todo.Evolve"/>
/// (the oracle the read model must equal), and writes no current command can make, such as an event of a type this
/// code does not know (as a newer version of the app, or a bad migration, would leave behind).
/// </summary>
internal sealed class EventLog(Container events)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Every todo's fold, up to its first event this code cannot read (a parked todo's last good state).</summary>
    public async Task<Dictionary<Guid, FoldedTodo>> FoldEveryStreamAsync()
    {
        var documents = new List<EventDocument>();
        using var query = events.GetItemQueryIterator<EventDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind").WithParameter("@kind", EventDocument.EventKind));
        while (query.HasMoreResults) documents.AddRange(await query.ReadNextAsync());
        return documents.GroupBy(document => document.TodoId).ToDictionary(stream => stream.Key, stream => Fold(stream.OrderBy(e => e.Version)));
    }

    /// <summary>
    /// Whether <c>GET /api/todos</c> lists exactly the live todos of the log, each as the fold of its stream (a parked
    /// todo as its last good state).
    /// </summary>
    public async Task<bool> ReadModelMatchesAsync(HttpClient client)
    {
        var expected = (await FoldEveryStreamAsync()).Where(stream => stream.Value.IsLive)
            .Select(stream => $"{stream.Key} {stream.Value.State!.Title} {stream.Value.State.Completed} {stream.Value.State.Order}");
        var listed = (await client.ListTodosAsync()).Select(todo =>
            $"{todo.GetProperty("id").GetString()} {todo.GetProperty("title").GetString()} {todo.GetProperty("completed").GetBoolean()} " +
            (todo.GetProperty("order").ValueKind == JsonValueKind.Null ? "" : todo.GetProperty("order").GetInt32()));
        return expected.Order().SequenceEqual(listed.Order());
    }

    /// <summary>Appends an event the way the event store does, in one batch with the stream's snapshot moved to its version.</summary>
    public async Task AppendAsync(Guid todoId, string type, object data)
    {
        var partition = new PartitionKey(todoId.ToString());
        var snapshot = await events.ReadItemAsync<JsonObject>(EventDocument.SnapshotId(todoId), partition);
        var version = snapshot.Resource["version"]!.GetValue<long>() + 1;
        snapshot.Resource["version"] = version;
        var batch = events.CreateTransactionalBatch(partition)
            .CreateItem(Event(todoId, version, type, data))
            .ReplaceItem(EventDocument.SnapshotId(todoId), snapshot.Resource, new TransactionalBatchItemRequestOptions { IfMatchEtag = snapshot.ETag });
        using var response = await batch.ExecuteAsync();
        Assert.True(response.IsSuccessStatusCode, $"The append failed with {response.StatusCode}.");
    }

    /// <summary>Rewrites a stored event: the operator's last-resort repair of a poison event.</summary>
    public Task ReplaceAsync(Guid todoId, long version, string type, object data) =>
        events.ReplaceItemAsync(Event(todoId, version, type, data), EventDocument.EventId(todoId, version), new PartitionKey(todoId.ToString()));

    private static EventDocument Event(Guid todoId, long version, string type, object data) => new(
        EventDocument.EventId(todoId, version), todoId, EventDocument.EventKind, version, type, 1,
        JsonSerializer.SerializeToElement(data, Json), DateTimeOffset.UtcNow, "event-log-test");

    private static FoldedTodo Fold(IEnumerable<EventDocument> stream)
    {
        Todo? state = null;
        long version = 0;
        foreach (var document in stream)
        {
            if (Decode(document) is not { } @event) return new FoldedTodo(state, version, ParkedAt: document.Version);
            state = Todo.Evolve(state, @event);
            version = document.Version;
        }
        return new FoldedTodo(state, version, ParkedAt: null);
    }

    private static TodoEvent? Decode(EventDocument document) =>
        typeof(TodoEvent).Assembly.GetType($"{typeof(TodoEvent).Namespace}.{document.Type}") is { } type && type.IsAssignableTo(typeof(TodoEvent))
            ? (TodoEvent?)document.Data.Deserialize(type, Json)
            : null;
}

/// <summary>A stream folded: the state and version it reaches, and the version of the first event that stopped it, if any.</summary>
internal sealed record FoldedTodo(Todo? State, long Version, long? ParkedAt)
{
    public bool IsLive => State is { IsDeleted: false };
}
