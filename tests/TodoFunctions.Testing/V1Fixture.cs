using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Xunit;

namespace TodoFunctions.Testing;

/// <summary>
/// Documents exactly as the last release before per-type schemas (dd672bc: every event at schema v1, fold-1
/// snapshots, read documents without completion, deletion or due-date fields) stored them, minus the system
/// properties Cosmos adds. They are data, generated once with that release: never regenerate or edit them.
/// </summary>
public static class V1Fixture
{
    /// <summary>Created, titled "buy milk", renamed, completed, reopened, then ordered 7: "buy oat milk", open, order 7, version 5.</summary>
    public static readonly Guid Renamed = Guid.Parse("4dbef4d1-86f3-4457-ac14-e0d7bb99fd9a");

    /// <summary>Created completed with order 3, then its order cleared: "file the taxes", completed, no order, version 2.</summary>
    public static readonly Guid CreatedCompleted = Guid.Parse("1cdc0a72-0d11-42ca-b2cc-6d409796aa10");

    /// <summary>Created with order 1, completed, deleted: "walk the dog" in the trash at version 3.</summary>
    public static readonly Guid Deleted = Guid.Parse("01f246ae-5f4c-43c9-82bc-425f39a4c55a");

    public static IReadOnlyList<JsonObject> EventDocuments { get; } = Load("events.json");

    public static IReadOnlyList<JsonObject> ReadDocuments { get; } = Load("todo-view.json");

    /// <summary>The fixture's event documents (events and snapshots) created through the SDK as they were stored.</summary>
    public static Task LoadEventsAsync(Container events) => CreateAllAsync(events, EventDocuments, "todoId");

    /// <summary>The fixture's read documents created through the SDK as the projector of that release wrote them.</summary>
    public static Task LoadReadDocumentsAsync(Container readContainer) => CreateAllAsync(readContainer, ReadDocuments, "id");

    public static IEnumerable<JsonObject> EventsOf(Guid todoId) =>
        EventDocuments.Where(document => (string?)document["todoId"] == todoId.ToString() && (string?)document["kind"] == "event")
            .OrderBy(document => (long)document["version"]!);

    public static DateTimeOffset CreatedAt(Guid todoId) => DateTimeOffset.Parse((string)EventsOf(todoId).First()["timestamp"]!);

    private static async Task CreateAllAsync(Container container, IEnumerable<JsonObject> documents, string partitionKeyProperty)
    {
        foreach (var document in documents)
        {
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(document.ToJsonString()));
            using var response = await container.CreateItemStreamAsync(content, new PartitionKey((string)document[partitionKeyProperty]!));
            Assert.True(response.IsSuccessStatusCode, $"{document["id"]}: {response.StatusCode}");
        }
    }

    private static IReadOnlyList<JsonObject> Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "v1", name)))!.AsArray().Select(node => node!.AsObject()).ToList();
}
