using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>Journal entries to append in tests, and a one-line description of each to compare what replays.</summary>
internal static class JournalSamples
{
    /// <summary>Database <c>db</c> with container <c>todos</c>.</summary>
    public static readonly JournalEntry[] DatabaseWithTodos =
    [
        new DatabaseCreated("db", new JObject { ["id"] = "db" }),
        new ContainerCreated("db", "todos", new JObject { ["id"] = "todos" }),
    ];

    public static void AppendAll(IJournal journal, IEnumerable<JournalEntry> entries)
    {
        foreach (var entry in entries)
            journal.Append(entry);
    }

    /// <summary>What replays, in the order it was applied (containers of a checkpoint may come concurrently).</summary>
    public static List<JournalEntry> ReadAll(IJournal journal)
    {
        var entries = new List<JournalEntry>();
        journal.Replay(entry =>
        {
            lock (entries)
                entries.Add(entry);
        });
        return entries;
    }

    public static DocumentChange Change(string id, long lsn, string title) =>
        new("[\"pk\"]", id, new JObject { ["id"] = id, ["title"] = title }, lsn);

    public static DocumentChange Deletion(string id, long lsn) => new("[\"pk\"]", id, null, lsn);

    public static string Kind(JournalEntry entry) => string.Join(' ', Describe(entry).Split(' ').Take(2));

    public static string Describe(JournalEntry entry) => entry switch
    {
        DatabaseCreated created => $"DatabaseCreated {created.Database} {Json(created.Resource)}",
        DatabaseDeleted deleted => $"DatabaseDeleted {deleted.Database}",
        ContainerCreated created => $"ContainerCreated {created.Database}/{created.Container} {Json(created.Resource)}",
        ContainerDeleted deleted => $"ContainerDeleted {deleted.Database}/{deleted.Container}",
        DocumentsChanged changed => $"DocumentsChanged {changed.Database}/{changed.Container} " + string.Join(" | ",
            changed.Changes.Select(change => $"{change.PartitionKeyJson} {change.Id} {change.Lsn} {Json(change.Document)}")),
        _ => throw new ArgumentOutOfRangeException(nameof(entry)),
    };

    public static string Json(JObject? token) => token?.ToString(Formatting.None) ?? "deleted";

    public static string Json(DocumentJson? document) => document?.ToString() ?? "deleted";
}
