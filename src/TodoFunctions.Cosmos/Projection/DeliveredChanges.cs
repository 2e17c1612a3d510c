using System.Text.Json;
using TodoFunctions.Cosmos.Idempotency;

namespace TodoFunctions.Cosmos;

/// <summary>
/// A change-feed document that is not a readable event: what of it could be read (the todo, version and type, when
/// present and well-formed) and why the rest could not.
/// </summary>
internal sealed record UnreadableEvent(Guid? TodoId, long? Version, string? Type, JsonElement Raw, string Error);

/// <summary>
/// One todo's share of a change-feed batch, in feed order: the readable events up to its first unreadable document
/// (which parks the todo), and the highest version delivered, including the events behind that document.
/// </summary>
internal sealed record Delivery(IReadOnlyList<EventDocument> Events, UnreadableEvent? Unreadable, long HighestVersion)
{
    public static Delivery Of(IReadOnlyList<EventDocument> events) =>
        new(events, null, events.Count == 0 ? 0 : events.Max(document => document.Version));
}

/// <summary>
/// Reads a change-feed batch document by document from raw JSON, so a document whose envelope does not deserialize
/// parks only its own todo (or, with no readable todo id, is dead-lettered alone) instead of failing the page.
/// </summary>
internal static class DeliveredChanges
{
    private static readonly string[] RequiredEventProperties = ["id", "todoId", "kind", "version", "type", "schemaVersion", "data", "timestamp"];

    /// <summary>The documents of one change-feed page as the service sends it (<c>{"Documents":[…]}</c>), each still raw.</summary>
    public static async Task<IReadOnlyList<JsonElement>> DocumentsOfPageAsync(Stream page, CancellationToken cancellationToken)
    {
        using var json = await JsonDocument.ParseAsync(page, cancellationToken: cancellationToken);
        return [.. json.RootElement.GetProperty("Documents").EnumerateArray().Select(document => document.Clone())];
    }

    /// <summary>Each todo's delivery, and the documents that name no readable todo.</summary>
    public static (IReadOnlyList<(Guid TodoId, Delivery Delivery)> Todos, IReadOnlyList<UnreadableEvent> WithoutTodo) Read(IReadOnlyList<JsonElement> changes)
    {
        var withoutTodo = new List<UnreadableEvent>();
        var byTodo = new Dictionary<Guid, List<object>>();
        foreach (var change in changes)
        {
            var read = ReadOne(change);
            if (read is null) continue;
            var todoId = read is EventDocument document ? document.TodoId : ((UnreadableEvent)read).TodoId;
            if (todoId is not { } id)
            {
                withoutTodo.Add((UnreadableEvent)read);
                continue;
            }
            if (!byTodo.TryGetValue(id, out var delivered)) byTodo[id] = delivered = [];
            delivered.Add(read);
        }
        return ([.. byTodo.Select(todo => (todo.Key, DeliveryOf(todo.Value)))], withoutTodo);
    }

    /// <summary>The events before the first unreadable document are applied; the rest only count as delivered.</summary>
    private static Delivery DeliveryOf(List<object> delivered)
    {
        var events = delivered.TakeWhile(read => read is EventDocument).Cast<EventDocument>().ToList();
        var unreadable = delivered.OfType<UnreadableEvent>().FirstOrDefault();
        var versions = delivered.Select(read => read is EventDocument document ? document.Version : ((UnreadableEvent)read).Version ?? 0);
        return new Delivery(events, unreadable, versions.Max());
    }

    /// <summary>
    /// An event, an unreadable document, or <c>null</c> for a snapshot or an Idempotency-Key record (the events alone
    /// define the read model).
    /// </summary>
    public static object? ReadOne(JsonElement change)
    {
        if (change.ValueKind != JsonValueKind.Object)
            return new UnreadableEvent(null, null, null, change, $"a change-feed document must be a JSON object, not {change.ValueKind}");
        if (Text(change, "kind") is EventDocument.SnapshotKind or IdempotencyRecord.RecordKind) return null;
        var todoId = Guid.TryParse(Text(change, "todoId"), out var id) ? id : (Guid?)null;
        var version = change.TryGetProperty("version", out var number) && number.ValueKind == JsonValueKind.Number && number.TryGetInt64(out var v) && v > 0
            ? v
            : (long?)null;
        var missing = RequiredEventProperties.Where(name => !change.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null).ToList();
        string error;
        if (missing.Count > 0)
            error = $"the event document lacks {string.Join(", ", missing)}";
        else if (todoId is null || version is null)
            error = todoId is null ? "its todoId is not a UUID" : "its version is not a positive whole number";
        else
        {
            try
            {
                var document = change.Deserialize<EventDocument>(TodoJson.Options);
                if (document is { IsEvent: true }) return document;
                error = $"its kind '{document?.Kind}' is neither '{EventDocument.EventKind}' nor '{EventDocument.SnapshotKind}'";
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                error = e.Message;
            }
        }
        return new UnreadableEvent(todoId, version, Text(change, "type"), change, $"unreadable event document: {error}");
    }

    /// <summary>A string property, or <c>null</c> when it is missing, not a string, or not text (an escaped lone surrogate).</summary>
    private static string? Text(JsonElement document, string property)
    {
        if (!document.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String) return null;
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
