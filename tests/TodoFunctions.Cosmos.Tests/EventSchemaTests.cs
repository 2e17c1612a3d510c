using System.Text.Json;
using System.Text.Json.Nodes;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>The codec writes each event at its type's schema version and lifts older ones through the type's upcaster chain, in order.</summary>
public sealed class EventSchemaTests
{
    private static readonly DateOnly Friday = new(2027, 1, 15);
    private static readonly Guid TodoId = Guid.Parse("4dbef4d1-86f3-4457-ac14-e0d7bb99fd9a");

    public static TheoryData<TodoEvent> EveryEvent =>
    [
        new TodoCreated("walk the dog", false, null),
        new TodoCreated("walk the dog", true, 3, Friday),
        new TodoTitleUpdated("feed the cat"),
        new TodoCompleted(),
        new TodoUncompleted(),
        new TodoOrderUpdated(7),
        new TodoOrderUpdated(null),
        new TodoDueDateChanged(Friday),
        new TodoDueDateChanged(null),
        new TodoDeleted(),
        new TodoRestored(),
        new TodoPurged(),
    ];

    [Theory]
    [MemberData(nameof(EveryEvent))]
    public void Every_event_decodes_as_it_was_encoded_at_its_types_current_version(TodoEvent @event)
    {
        var codec = new TodoEventCodec(EventSchema.Current);

        var document = codec.EventFor(TodoId, 1, @event, DateTimeOffset.UnixEpoch, TodoStoreHarness.NoWait());

        Assert.Equal(@event is TodoCreated ? 2 : 1, document.SchemaVersion);
        Assert.Equal(@event, codec.Decode(document));
    }

    [Fact]
    public void A_v1_TodoCreated_is_upcast_to_v2_with_no_due_date()
    {
        var v1 = StoredCreated(schemaVersion: 1, """{"title":"buy milk","completed":true,"order":3}""");

        Assert.Equal(new TodoCreated("buy milk", true, 3, DueDate: null), new TodoEventCodec(EventSchema.Current).Decode(v1));
    }

    [Fact]
    public void A_longer_chain_runs_in_version_order_from_the_stored_version()
    {
        // A hypothetical v3 that gives every undated todo a default day: it relies on v2's dueDate being there.
        var v3 = EventSchema.Current.WithUpcaster(nameof(TodoCreated), v2 =>
        {
            var data = JsonSerializer.SerializeToNode(v2.Data)!.AsObject();
            if (!data.ContainsKey("dueDate")) throw new InvalidDataException("v2 → v3 ran before v1 → v2.");
            data["dueDate"] ??= JsonValue.Create("2027-12-31");
            return v2 with { Data = JsonSerializer.SerializeToElement(data) };
        });
        var codec = new TodoEventCodec(v3);

        var fromV1 = codec.Decode(StoredCreated(schemaVersion: 1, """{"title":"buy milk","completed":false,"order":null}"""));
        var fromV2 = codec.Decode(StoredCreated(schemaVersion: 2, """{"title":"buy milk","completed":false,"order":null,"dueDate":"2027-01-15"}"""));

        Assert.Equal(new DateOnly(2027, 12, 31), Assert.IsType<TodoCreated>(fromV1).DueDate);
        Assert.Equal(Friday, Assert.IsType<TodoCreated>(fromV2).DueDate);
        Assert.Equal(3, v3.VersionOf(nameof(TodoCreated)));
        Assert.Equal(1, v3.VersionOf(nameof(TodoCompleted)));
    }

    [Fact]
    public void A_version_newer_than_the_chain_is_refused_naming_the_type_and_both_versions_not_guessed_at()
    {
        var v3 = StoredCreated(schemaVersion: 3, """{"title":"buy milk","completed":false,"order":null,"dueDate":null}""");

        var refused = Assert.Throws<EventFromNewerReleaseException>(() => new TodoEventCodec(EventSchema.Current).Decode(v3));

        Assert.Contains("schema v3 of TodoCreated is newer than this release reads (v2)", refused.Message);
    }

    private static EventDocument StoredCreated(int schemaVersion, string data) =>
        TodoStoreHarness.ForeignEvent(TodoId, 1, nameof(TodoCreated), schemaVersion, data);
}
