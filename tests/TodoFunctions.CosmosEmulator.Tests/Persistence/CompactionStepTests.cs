using Newtonsoft.Json.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using TodoFunctions.CosmosEmulator.Persistence;
using static TodoFunctions.CosmosEmulator.Tests.Persistence.JournalSamples;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>
/// The journal around each step of a compaction: moving to a new segment, folding into a checkpoint, replacing
/// what it covers; and the leftovers a crash between two steps would leave.
/// </summary>
public sealed class CompactionStepTests : IDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("compaction-steps-").FullName;

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    [Fact]
    public async Task Appends_past_the_threshold_go_to_new_segments_and_compactions_leave_one_checkpoint_with_the_latest_documents()
    {
        using (var journal = new FileJournal(dataDirectory, compactAfterBytes: 1024))
        {
            AppendAll(journal, DatabaseWithTodos);
            for (var lsn = 1; lsn <= 40; lsn++)
                journal.Append(new DocumentsChanged("db", "todos", [Change($"todo-{lsn % 5}", lsn, new string('x', 200))]));
            await journal.CompactAsync();
        }

        var listing = DirectoryListing();
        Assert.Equal(3, listing.Count);
        Assert.Matches("^checkpoint-0000(\\d\\d)$", listing[0]);
        Assert.Equal($"journal-{int.Parse(listing[0][^6..]) + 1:D6}.jsonl", listing[1]);
        using var reopened = new FileJournal(dataDirectory);
        Assert.Equal(
            ["todo-1 36", "todo-2 37", "todo-3 38", "todo-4 39", "todo-0 40"],
            ReadAll(reopened).OfType<DocumentsChanged>().SelectMany(changed => changed.Changes).Select(change => $"{change.Id} {change.Lsn}"));
    }

    [Fact]
    public void A_temporary_checkpoint_left_by_a_crash_is_removed_and_the_segments_replay()
    {
        JournalEntry[] entries = [.. DatabaseWithTodos, new DocumentsChanged("db", "todos", [Change("todo-1", 1, "kept")])];
        using (var journal = new FileJournal(dataDirectory))
            AppendAll(journal, entries);
        Directory.CreateDirectory(Path.Combine(dataDirectory, "checkpoint-000001.tmp"));
        File.WriteAllText(Path.Combine(dataDirectory, "checkpoint-000001.tmp", "account.jsonl"), "{\"kind\":\"databa");

        using var reopened = new FileJournal(dataDirectory);

        Assert.Equal(entries.Select(Describe), ReadAll(reopened).Select(Describe));
        Assert.Equal(["journal-000001.jsonl", "journal.lock"], DirectoryListing());
    }

    [Fact]
    public async Task A_checkpoint_whose_replaced_files_a_crash_left_behind_replays_alone_and_they_are_removed()
    {
        using (var journal = new FileJournal(dataDirectory))
        {
            AppendAll(journal, [.. DatabaseWithTodos, new DocumentsChanged("db", "todos", [Change("todo-1", 1, "v1"), Change("todo-1", 2, "v2")])]);
            File.Copy(SegmentPath(1), Path.Combine(dataDirectory, "segment-1.copy"));
            await journal.CompactAsync();
        }
        File.Move(Path.Combine(dataDirectory, "segment-1.copy"), SegmentPath(1));
        Directory.CreateDirectory(Path.Combine(dataDirectory, "checkpoint-000000"));
        File.WriteAllText(Path.Combine(dataDirectory, "checkpoint-000000", "account.jsonl"), "replaced, never read\n");

        using var reopened = new FileJournal(dataDirectory);

        Assert.Equal(
            [.. DatabaseWithTodos.Select(Describe), Describe(new DocumentsChanged("db", "todos", [Change("todo-1", 2, "v2")]))],
            ReadAll(reopened).Select(Describe));
        Assert.Equal(["checkpoint-000001", "journal-000002.jsonl", "journal.lock"], DirectoryListing());
    }

    [Fact]
    public async Task Closing_the_journal_finishes_a_compaction_under_way_so_the_next_start_reads_its_checkpoint()
    {
        Task compacting;
        using (var journal = new FileJournal(dataDirectory))
        {
            AppendAll(journal, DatabaseWithTodos);
            for (var lsn = 1; lsn <= 5000; lsn++)
                journal.Append(new DocumentsChanged("db", "todos", [Change($"todo-{lsn % 2000}", lsn, new string('x', 200))]));
            compacting = journal.CompactAsync();
        }

        await compacting;
        Assert.Equal(["checkpoint-000001", "journal-000002.jsonl", "journal.lock"], DirectoryListing());
        using var reopened = new FileJournal(dataDirectory);
        Assert.Equal(2000, ReadAll(reopened).OfType<DocumentsChanged>().SelectMany(changed => changed.Changes).Count());
    }

    [Fact]
    public async Task A_closed_journal_refuses_to_compact_rather_than_run_a_compaction_past_its_lock()
    {
        var journal = new FileJournal(dataDirectory);
        AppendAll(journal, DatabaseWithTodos);
        journal.Dispose();

        var refused = await Assert.ThrowsAsync<ObjectDisposedException>(journal.CompactAsync);
        Assert.Equal(typeof(FileJournal).FullName, refused.ObjectName);
        Assert.Equal(["journal-000001.jsonl", "journal.lock"], DirectoryListing());
    }

    [Fact]
    public async Task A_compaction_that_outlasts_the_close_is_stopped_midway_and_leaves_every_entry_to_replay()
    {
        JournalEntry[] entries = [.. DatabaseWithTodos, new DocumentsChanged("db", "todos", [Change("todo-1", 1, "v1")])];
        Task compacting;
        using (var journal = new FileJournal(new JournalSegments(dataDirectory), durable: false, FileJournal.DefaultCompactAfterBytes,
                   compactionStepDelay: TimeSpan.FromMinutes(5), NullLogger.Instance, finishCompactionOnClose: TimeSpan.Zero))
        {
            AppendAll(journal, entries);
            compacting = journal.CompactAsync();
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => compacting);
        using var reopened = new FileJournal(dataDirectory);
        Assert.Equal(entries.Select(Describe), ReadAll(reopened).Select(Describe));
        Assert.Equal(["journal-000001.jsonl", "journal-000002.jsonl", "journal.lock"], DirectoryListing());
    }

    [Fact]
    public async Task A_checkpoint_replays_its_account_first_then_its_containers_concurrently_each_in_order()
    {
        var containers = new[] { "a", "b", "c" };
        using (var journal = new FileJournal(dataDirectory))
        {
            journal.Append(DatabaseWithTodos[0]);
            foreach (var container in containers)
                journal.Append(new ContainerCreated("db", container, new JObject { ["id"] = container }));
            for (var lsn = 1; lsn <= 3000; lsn++)
                journal.Append(new DocumentsChanged("db", containers[lsn % 3], [Change($"todo-{lsn}", lsn, "x")]));
            await journal.CompactAsync();
        }
        using var reopened = new FileJournal(dataDirectory);
        var twoContainersAtOnce = new CountdownEvent(2);
        var replayed = new List<JournalEntry>();

        reopened.Replay(entry =>
        {
            if (entry is DocumentsChanged { Changes: [{ Lsn: <= 2 }, ..] })
                twoContainersAtOnce.Signal();
            if (entry is DocumentsChanged)
                Assert.True(twoContainersAtOnce.Wait(TimeSpan.FromSeconds(30)), "no two containers replayed at once");
            lock (replayed)
                replayed.Add(entry);
        });

        Assert.Equal(4, replayed.TakeWhile(entry => entry is not DocumentsChanged).Count());
        foreach (var container in containers)
        {
            var lsns = replayed.OfType<DocumentsChanged>().Where(changed => changed.Container == container).SelectMany(changed => changed.Changes).Select(change => change.Lsn).ToList();
            Assert.Equal(Enumerable.Range(1, 3000).Where(lsn => containers[lsn % 3] == container).Select(lsn => (long)lsn), lsns);
        }
    }

    [Fact]
    public async Task A_journal_of_an_earlier_build_replays_compacted_and_is_converted_into_a_checkpoint()
    {
        File.WriteAllLines(Path.Combine(dataDirectory, "journal.jsonl"),
        [
            """{"kind":"databaseCreated","database":"db","resource":{"id":"db"}}""",
            """{"kind":"containerCreated","database":"db","container":"todos","resource":{"id":"todos"}}""",
            """{"kind":"documentsChanged","database":"db","container":"todos","changes":[{"partitionKey":"[\"pk\"]","id":"todo-1","document":{"id":"todo-1","title":"v1"},"lsn":1}]}""",
            """{"kind":"documentsChanged","database":"db","container":"todos","changes":[{"partitionKey":"[\"pk\"]","id":"todo-1","document":{"id":"todo-1","title":"v2"},"lsn":2}]}""",
        ]);
        string[] compacted = [.. DatabaseWithTodos.Select(Describe), Describe(new DocumentsChanged("db", "todos", [Change("todo-1", 2, "v2")]))];

        using (var journal = new FileJournal(dataDirectory))
        {
            Assert.Equal(compacted, ReadAll(journal).Select(Describe));
            await journal.CompactAsync();
        }

        Assert.Equal(["checkpoint-000000", "journal-000001.jsonl", "journal.lock"], DirectoryListing());
        using var reopened = new FileJournal(dataDirectory);
        Assert.Equal(compacted, ReadAll(reopened).Select(Describe));
    }

    private string SegmentPath(int number) => Path.Combine(dataDirectory, $"journal-{number:D6}.jsonl");

    private List<string> DirectoryListing() =>
        Directory.EnumerateFileSystemEntries(dataDirectory).Select(path => Path.GetFileName(path)!).Order(StringComparer.Ordinal).ToList();
}
