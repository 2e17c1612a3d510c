using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

public sealed class FileJournalTests : IDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("file-journal-").FullName;

    private string JournalPath => Path.Combine(dataDirectory, FileJournal.FileName);

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    [Fact]
    public void Every_entry_kind_reads_back_exactly_as_appended()
    {
        var document = new JObject
        {
            ["id"] = "todo-1",
            ["title"] = "line one\nline two, \"quoted\", ünïcødé",
            ["dueAt"] = "2024-05-01T10:00:00.1234567Z",
            ["amount"] = 12.5,
            ["tags"] = new JArray("a", "b"),
            ["_etag"] = "\"00000001-0000-0000-0000-000000000000\"",
        };
        JournalEntry[] entries =
        [
            new DatabaseCreated("db", new JObject { ["id"] = "db", ["_rid"] = "AAAAAA==" }),
            new ContainerCreated("db", "todos", new JObject { ["id"] = "todos", ["defaultTtl"] = -1 }),
            new DocumentsChanged("db", "todos",
            [
                new DocumentChange("[\"pk-1\"]", "todo-1", document, 7),
                new DocumentChange("[\"pk-1\"]", "todo-2", null, 8),
            ]),
            new ContainerDeleted("db", "todos"),
            new DatabaseDeleted("db"),
        ];

        using var journal = new FileJournal(dataDirectory);
        foreach (var entry in entries)
            journal.Append(entry);

        Assert.Equal(entries.Select(Describe), ReadAll(journal).Select(Describe));
    }

    [Fact]
    public void Appended_entries_are_replayed_after_the_journal_is_reopened()
    {
        JournalEntry[] entries =
        [
            new DatabaseCreated("db", new JObject { ["id"] = "db" }),
            new ContainerCreated("db", "todos", new JObject { ["id"] = "todos" }),
            new DocumentsChanged("db", "todos", [Change("todo-1", 1, "first")]),
            new DocumentsChanged("db", "todos", [Change("todo-2", 2, "second"), Change("todo-3", 3, "third")]),
        ];
        using (var journal = new FileJournal(dataDirectory))
        {
            foreach (var entry in entries)
                journal.Append(entry);
        }

        using var reopened = new FileJournal(dataDirectory);

        Assert.Equal(
            entries.Take(2).Select(Describe).Append(Describe(new DocumentsChanged("db", "todos",
                [Change("todo-1", 1, "first"), Change("todo-2", 2, "second"), Change("todo-3", 3, "third")]))),
            ReadAll(reopened).Select(Describe));
    }

    [Fact]
    public void A_torn_last_line_left_by_a_crash_is_ignored_and_later_appends_still_replay()
    {
        using (var journal = new FileJournal(dataDirectory))
        {
            journal.Append(new DatabaseCreated("db", new JObject { ["id"] = "db" }));
            journal.Append(new ContainerCreated("db", "todos", new JObject { ["id"] = "todos" }));
        }
        File.AppendAllText(JournalPath, "{\"kind\":\"documentsChanged\",\"database\":\"db\",\"contai", Encoding.UTF8);

        using (var journal = new FileJournal(dataDirectory))
        {
            Assert.Equal(["DatabaseCreated db", "ContainerCreated db/todos"], ReadAll(journal).Select(Kind));
            journal.Append(new DocumentsChanged("db", "todos", [Change("todo-1", 1, "after the crash")]));
        }

        using var reopened = new FileJournal(dataDirectory);
        Assert.Equal(
            ["DatabaseCreated db", "ContainerCreated db/todos", "DocumentsChanged db/todos"],
            ReadAll(reopened).Select(Kind));
    }

    [Fact]
    public void A_damaged_line_before_the_end_is_reported_instead_of_silently_skipped()
    {
        using (var journal = new FileJournal(dataDirectory))
            journal.Append(new DatabaseCreated("db", new JObject { ["id"] = "db" }));
        File.AppendAllText(JournalPath, "not json\n{\"kind\":\"databaseDeleted\",\"database\":\"db\"}\n");

        var failure = Assert.Throws<InvalidDataException>(() => new FileJournal(dataDirectory));

        Assert.Contains("line 2", failure.Message);
    }

    [Fact]
    public void Reopening_compacts_the_file_to_the_latest_version_of_every_document()
    {
        using (var journal = new FileJournal(dataDirectory))
        {
            journal.Append(new DatabaseCreated("db", new JObject { ["id"] = "db" }));
            journal.Append(new ContainerCreated("db", "todos", new JObject { ["id"] = "todos" }));
            journal.Append(new DocumentsChanged("db", "todos", [Change("todo-1", 1, "v1"), Change("todo-2", 2, "v1")]));
            journal.Append(new DocumentsChanged("db", "todos", [Change("todo-1", 3, "v2")]));
            journal.Append(new DocumentsChanged("db", "todos", [Deletion("todo-2", 4)]));
            journal.Append(new DocumentsChanged("db", "todos", [Change("todo-3", 5, "v1"), Deletion("todo-3", 6)]));
        }

        using var reopened = new FileJournal(dataDirectory);

        // The last delete stays: it carries the container's highest LSN. The earlier delete disappears.
        Assert.Equal(
            [
                Describe(new DatabaseCreated("db", new JObject { ["id"] = "db" })),
                Describe(new ContainerCreated("db", "todos", new JObject { ["id"] = "todos" })),
                Describe(new DocumentsChanged("db", "todos", [Change("todo-1", 3, "v2"), Deletion("todo-3", 6)])),
            ],
            ReadAll(reopened).Select(Describe));
        Assert.Equal(3, File.ReadAllLines(JournalPath).Length);
        Assert.False(File.Exists(JournalPath + ".tmp"));
    }

    [Fact]
    public void Reopening_drops_deleted_databases_and_containers_with_their_documents_but_remembers_the_latest_of_each()
    {
        using (var journal = new FileJournal(dataDirectory))
        {
            journal.Append(new DatabaseCreated("gone", new JObject { ["id"] = "gone" }));
            journal.Append(new ContainerCreated("gone", "todos", new JObject { ["id"] = "todos" }));
            journal.Append(new DocumentsChanged("gone", "todos", [Change("todo-1", 1, "lost with its database")]));
            journal.Append(new DatabaseDeleted("gone"));
            journal.Append(new DatabaseCreated("db", new JObject { ["id"] = "db" }));
            journal.Append(new ContainerCreated("db", "recreated", new JObject { ["id"] = "recreated", ["version"] = 1 }));
            journal.Append(new DocumentsChanged("db", "recreated", [Change("todo-1", 1, "lost with the first container")]));
            journal.Append(new ContainerDeleted("db", "recreated"));
            journal.Append(new ContainerCreated("db", "recreated", new JObject { ["id"] = "recreated", ["version"] = 2 }));
            journal.Append(new ContainerCreated("db", "recreated", new JObject { ["id"] = "recreated", ["version"] = 3 }));
        }

        using var reopened = new FileJournal(dataDirectory);

        // Created and deleted again, the latest deleted database and container still replay their resource ids.
        Assert.Equal(
            [
                Describe(new DatabaseCreated("gone", new JObject { ["id"] = "gone" })),
                Describe(new DatabaseDeleted("gone")),
                Describe(new DatabaseCreated("db", new JObject { ["id"] = "db" })),
                Describe(new ContainerCreated("db", "recreated", new JObject { ["id"] = "recreated", ["version"] = 1 })),
                Describe(new ContainerDeleted("db", "recreated")),
                Describe(new ContainerCreated("db", "recreated", new JObject { ["id"] = "recreated", ["version"] = 3 })),
            ],
            ReadAll(reopened).Select(Describe));
    }

    [Fact]
    public void Concurrent_appends_each_land_as_one_whole_entry()
    {
        using (var journal = new FileJournal(dataDirectory))
        {
            journal.Append(new DatabaseCreated("db", new JObject { ["id"] = "db" }));
            journal.Append(new ContainerCreated("db", "todos", new JObject { ["id"] = "todos" }));
            Parallel.For(1, 201, lsn => journal.Append(new DocumentsChanged("db", "todos", [Change($"todo-{lsn}", lsn, new string('x', 5000))])));
        }

        using var reopened = new FileJournal(dataDirectory);

        var changes = ReadAll(reopened).OfType<DocumentsChanged>().SelectMany(entry => entry.Changes).ToList();
        Assert.Equal(Enumerable.Range(1, 200).Select(lsn => $"todo-{lsn}"), changes.Select(change => change.Id));
    }

    [Fact]
    public void A_data_directory_open_in_one_journal_is_refused_to_a_second()
    {
        using var first = new FileJournal(dataDirectory);

        var refusal = Assert.Throws<IOException>(() => new FileJournal(dataDirectory));

        Assert.Contains("in use", refusal.Message);
    }

    [Fact]
    public void The_null_journal_of_an_in_memory_account_replays_nothing()
    {
        NullJournal.Instance.Append(new DatabaseCreated("db", new JObject { ["id"] = "db" }));

        Assert.Empty(ReadAll(NullJournal.Instance));
    }

    private static List<JournalEntry> ReadAll(IJournal journal)
    {
        var entries = new List<JournalEntry>();
        journal.Replay(entries.Add);
        return entries;
    }

    private static DocumentChange Change(string id, long lsn, string title) =>
        new("[\"pk\"]", id, new JObject { ["id"] = id, ["title"] = title }, lsn);

    private static DocumentChange Deletion(string id, long lsn) => new("[\"pk\"]", id, null, lsn);

    private static string Kind(JournalEntry entry) => string.Join(' ', Describe(entry).Split(' ').Take(2));

    private static string Describe(JournalEntry entry) => entry switch
    {
        DatabaseCreated created => $"DatabaseCreated {created.Database} {Json(created.Resource)}",
        DatabaseDeleted deleted => $"DatabaseDeleted {deleted.Database}",
        ContainerCreated created => $"ContainerCreated {created.Database}/{created.Container} {Json(created.Resource)}",
        ContainerDeleted deleted => $"ContainerDeleted {deleted.Database}/{deleted.Container}",
        DocumentsChanged changed => $"DocumentsChanged {changed.Database}/{changed.Container} " + string.Join(" | ",
            changed.Changes.Select(change => $"{change.PartitionKeyJson} {change.Id} {change.Lsn} {Json(change.Document)}")),
        _ => throw new ArgumentOutOfRangeException(nameof(entry)),
    };

    private static string Json(JObject? token) => token?.ToString(Formatting.None) ?? "deleted";
}
