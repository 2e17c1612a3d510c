using System.Text.Json;
using System.Text.Json.Nodes;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>
/// The schema table: every event type this code writes, with its upcasters in version order. Add a type with an empty
/// chain; change a type by appending one small pure upcaster from its current shape to the new one (docs/architecture.md, "How to
/// change an event type"). Entries are never removed or reordered: stored events of every version stay readable.
/// </summary>
public sealed partial record EventSchema
{
    /// <summary>
    /// Today's shapes. Fold version 2 added the purge flag, the completion and deletion times and the due date to the
    /// state, so a snapshot of fold 1 is folded again from its events.
    /// </summary>
    public static EventSchema Current { get; } = new(FoldVersion: 2, new Dictionary<string, IReadOnlyList<Func<StoredEventData, StoredEventData>>>
    {
        [nameof(TodoCreated)] = [TodoCreatedV1WithoutDueDate],
        [nameof(TodoTitleUpdated)] = [],
        [nameof(TodoCompleted)] = [],
        [nameof(TodoUncompleted)] = [],
        [nameof(TodoOrderUpdated)] = [],
        [nameof(TodoDueDateChanged)] = [],
        [nameof(TodoDeleted)] = [],
        [nameof(TodoRestored)] = [],
        [nameof(TodoPurged)] = [],
    });

    /// <summary>TodoCreated v1 → v2: v2 added <c>dueDate</c>, and a todo created before it had none.</summary>
    private static StoredEventData TodoCreatedV1WithoutDueDate(StoredEventData v1) => WithField(v1, "dueDate", null);

    private static StoredEventData WithField(StoredEventData stored, string name, JsonNode? value)
    {
        var data = JsonSerializer.SerializeToNode(stored.Data)?.AsObject()
            ?? throw new InvalidDataException($"A {stored.Type} event has no data object.");
        data[name] = value;
        return stored with { Data = JsonSerializer.SerializeToElement(data) };
    }
}
