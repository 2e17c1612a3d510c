using Microsoft.Extensions.Logging;
using TodoFunctions.CosmosEmulator.Persistence;
using static TodoFunctions.CosmosEmulator.Tests.Persistence.JournalSamples;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>
/// A compaction whose file operations fail, as on a failing disk (root ignores permission bits, so the failures
/// come from <see cref="FailingSegments"/>): no acknowledged write is lost, appends keep their contract, and the
/// failure is logged.
/// </summary>
public sealed class CompactionFailureTests : IDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("compaction-failures-").FullName;
    private readonly RecordingLogger logger = new();

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    [Fact]
    public async Task A_checkpoint_whose_replaced_files_cannot_be_removed_is_the_one_the_next_compaction_and_a_reopen_read()
    {
        var segments = new FailingSegments(dataDirectory);
        Exception? failure;
        using (var journal = new FileJournal(segments, durable: false, FileJournal.DefaultCompactAfterBytes, TimeSpan.Zero, logger))
        {
            AppendAll(journal, [.. DatabaseWithTodos, Documents("todo-1", 1)]);
            await journal.CompactAsync();
            journal.Append(Documents("todo-2", 2));
            segments.FailRemovingCheckpoints = true;
            failure = await Record.ExceptionAsync(journal.CompactAsync);
            segments.FailRemovingCheckpoints = false;
            journal.Append(Documents("todo-3", 3));
            await journal.CompactAsync();
        }

        using var reopened = new FileJournal(dataDirectory);
        Assert.Equal(
            ["todo-1 1", "todo-2 2", "todo-3 3"],
            ReadAll(reopened).OfType<DocumentsChanged>().SelectMany(changed => changed.Changes).Select(change => $"{change.Id} {change.Lsn}"));
        Assert.Null(failure);
        Assert.Contains(logger.Levels, level => level == LogLevel.Warning);
    }

    [Fact]
    public void An_append_whose_move_to_a_new_segment_fails_returns_and_its_entry_replays()
    {
        var segments = new FailingSegments(dataDirectory) { FailOpeningSegment = 2 };
        JournalEntry[] entries = [.. DatabaseWithTodos, Documents("todo-1", 1), Documents("todo-2", 2)];
        using (var journal = new FileJournal(segments, durable: false, compactAfterBytes: 1, TimeSpan.Zero, logger))
        {
            AppendAll(journal, entries);
        }

        Assert.Contains(logger.Levels, level => level == LogLevel.Error);
        using var reopened = new FileJournal(dataDirectory);
        Assert.Equal(entries.Select(Describe), ReadAll(reopened).Select(Describe));
    }

    private static DocumentsChanged Documents(string id, long lsn) => new("db", "todos", [Change(id, lsn, id)]);

    private sealed class FailingSegments(string directory) : JournalSegments(directory)
    {
        public bool FailRemovingCheckpoints { get; set; }

        public long? FailOpeningSegment { get; init; }

        public override FileStream OpenForAppend(long number, bool durable) =>
            number == FailOpeningSegment ? throw new IOException("No space left on device") : base.OpenForAppend(number, durable);

        // A recursive delete stops at the first entry it cannot remove, after removing those before it.
        protected override void RemoveCheckpoint(string path)
        {
            if (!FailRemovingCheckpoints)
            {
                base.RemoveCheckpoint(path);
                return;
            }
            foreach (var container in System.IO.Directory.GetFiles(path, "container-*"))
                File.Delete(container);
            throw new IOException($"Cannot remove '{path}/account.jsonl'");
        }
    }

    private sealed class RecordingLogger : ILogger
    {
        private readonly List<LogLevel> levels = [];

        public IReadOnlyList<LogLevel> Levels
        {
            get
            {
                lock (levels)
                    return [.. levels];
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (levels)
                levels.Add(logLevel);
        }
    }
}
