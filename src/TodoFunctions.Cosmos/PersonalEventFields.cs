using System.Text.Json;
using System.Text.Json.Nodes;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>
/// The fields of stored event payloads (<c>data</c>) that hold personal content, declared once beside the codec that
/// writes them: what a purge masks in place. A new event type or schema version that stores such a field adds it here.
/// </summary>
internal static class PersonalEventFields
{
    private static readonly Dictionary<string, string[]> FieldsByEventType = new()
    {
        [nameof(TodoCreated)] = ["title"],
        [nameof(TodoTitleUpdated)] = ["title"],
    };

    /// <summary>The event types whose payload holds a personal field.</summary>
    public static IReadOnlyCollection<string> EventTypes => FieldsByEventType.Keys;

    /// <summary>Whether a stored event type's payload field holds personal content.</summary>
    public static bool IsPersonal(string eventType, string field) => FieldsByEventType.TryGetValue(eventType, out var fields) && fields.Contains(field);

    /// <summary>Sets every personal field of an event document's payload to <see cref="Todo.PurgedTitle"/>; says whether one changed.</summary>
    public static bool Mask(JsonObject eventDocument) =>
        eventDocument["type"]?.GetValue<string>() is { } type && eventDocument["data"] is JsonObject data && MaskData(type, data);

    /// <summary>An event of a purged stream as a reader of the log sees it, whether or not the masking in place reached it yet.</summary>
    public static RecordedEvent Masked(RecordedEvent recorded)
    {
        if (JsonSerializer.SerializeToNode(recorded.Data) is not JsonObject data || !MaskData(recorded.Type, data)) return recorded;
        return recorded with { Data = JsonSerializer.SerializeToElement(data) };
    }

    private static bool MaskData(string type, JsonObject data) =>
        FieldsByEventType.TryGetValue(type, out var fields) && fields.Aggregate(false, (masked, field) => MaskedText.Mask(data, field) | masked);
}

/// <summary>Masks one text property in place: only a string that still holds something is rewritten, so masking twice writes nothing.</summary>
internal static class MaskedText
{
    public static bool Mask(JsonObject holder, string property)
    {
        if (holder[property] is not JsonValue value || !value.TryGetValue<string>(out var text) || text == Todo.PurgedTitle) return false;
        holder[property] = Todo.PurgedTitle;
        return true;
    }
}
