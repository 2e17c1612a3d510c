using System.Text;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;
using static TodoFunctions.CosmosEmulator.Tests.Persistence.JournalSamples;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

public sealed class FileJournalTests : IDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("file-journal-").FullName;

    // The first segment appends go to; its number, like every name in the directory, is the data format.
    private string JournalPath => Path.Combine(dataDirectory, "journal-000001.jsonl");

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
    public void Appended_entries_are_replayed_as_appended_after_the_journal_is_reopened()
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

        Assert.Equal(entries.Select(Describe), ReadAll(reopened).Select(Describe));
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
        using var reopened = new FileJournal(dataDirectory);

        var failure = Assert.Throws<InvalidDataException>(() => ReadAll(reopened));

        Assert.StartsWith($"The journal '{JournalPath}' is damaged at line 2: ", failure.Message);
    }

    [Fact]
    public async Task Compaction_folds_the_journal_into_a_checkpoint_of_the_latest_version_of_every_document()
    {
        using (var journal = new FileJournal(dataDirectory))
        {
            journal.Append(new DatabaseCreated("db", new JObject { ["id"] = "db" }));
            journal.Append(new ContainerCreated("db", "todos", new JObject { ["id"] = "todos" }));
            journal.Append(new DocumentsChanged("db", "todos", [Change("todo-1", 1, "v1"), Change("todo-2", 2, "v1")]));
            journal.Append(new DocumentsChanged("db", "todos", [Change("todo-1", 3, "v2")]));
            journal.Append(new DocumentsChanged("db", "todos", [Deletion("todo-2", 4)]));
            journal.Append(new DocumentsChanged("db", "todos", [Change("todo-3", 5, "v1"), Deletion("todo-3", 6)]));
            await journal.CompactAsync();
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
        Assert.Equal(["checkpoint-000001", "journal-000002.jsonl", "journal.lock"], DirectoryListing());
    }

    [Fact]
    public async Task Compaction_drops_deleted_databases_and_containers_with_their_documents_but_remembers_the_latest_of_each()
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
            await journal.CompactAsync();
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
        Assert.Equal(Enumerable.Range(1, 200).Select(lsn => $"todo-{lsn}").Order(StringComparer.Ordinal), changes.Select(change => change.Id).Order(StringComparer.Ordinal));
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

    private List<string> DirectoryListing() =>
        Directory.EnumerateFileSystemEntries(dataDirectory).Select(path => Path.GetFileName(path)!).Order(StringComparer.Ordinal).ToList();
}
