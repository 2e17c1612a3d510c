using TodoFunctions.CosmosEmulator.Persistence;
using static TodoFunctions.CosmosEmulator.Tests.Persistence.JournalSamples;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>How long a compaction rests after each slice of work: long while writes arrive, not at all when none
/// do or the emulator is stopping, and briefly once the writes since it began are worth another compaction.</summary>
public sealed class CompactionPaceTests : IDisposable
{
    private const long CompactAfterBytes = 1024;
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("compaction-pace-").FullName;

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    public static TheoryData<bool, int, long, string> Rests => new()
    {
        { false, 0, 0, "writing" },
        { false, 999, CompactAfterBytes - 1, "writing" },
        { false, 0, CompactAfterBytes, "behind" },
        { false, 999, 10 * CompactAfterBytes, "behind" },
        { false, 1000, 0, "none" },
        { false, 60_000, 10 * CompactAfterBytes, "none" },
        { true, 0, 0, "none" },
        { true, 0, 10 * CompactAfterBytes, "none" },
    };

    [Theory]
    [MemberData(nameof(Rests))]
    public void The_rest_follows_the_writes_and_the_stop(bool closing, int millisecondsSinceLastAppend, long bytesAppendedSinceItBegan, string expected) =>
        Assert.Equal(
            Rest(expected),
            CompactionPace.RestAfterSlice(closing, TimeSpan.FromMilliseconds(millisecondsSinceLastAppend), bytesAppendedSinceItBegan, CompactAfterBytes));

    [Fact]
    public void A_journal_never_written_to_lets_a_compaction_work_without_rest()
    {
        using var journal = new FileJournal(dataDirectory, compactAfterBytes: CompactAfterBytes);

        Assert.Equal(TimeSpan.Zero, journal.RestAfterCompactionSlice());
    }

    [Fact]
    public void A_compaction_rests_long_while_writes_arrive_and_briefly_once_they_are_worth_another_compaction()
    {
        using var journal = new FileJournal(dataDirectory, compactAfterBytes: CompactAfterBytes, compactionStepDelay: TimeSpan.FromMinutes(5));
        AppendAll(journal, DatabaseWithTodos);
        Assert.Equal(CompactionPace.RestWhileWriting, journal.RestAfterCompactionSlice());

        AppendUntil(journal, () => Directory.EnumerateFiles(dataDirectory, "journal-000002.jsonl").Any());
        // The compaction began with the second segment (and waits at its first step): only what follows counts.
        journal.Append(new DocumentsChanged("db", "todos", [Change("todo-1", 1000, "after it began")]));
        Assert.Equal(CompactionPace.RestWhileWriting, journal.RestAfterCompactionSlice());

        AppendUntil(journal, () => new FileInfo(Path.Combine(dataDirectory, "journal-000002.jsonl")).Length >= CompactAfterBytes);
        Assert.Equal(CompactionPace.RestWhenBehind, journal.RestAfterCompactionSlice());
        Assert.False(File.Exists(Path.Combine(dataDirectory, "journal-000003.jsonl")));
    }

    [Fact]
    public void Stopping_the_emulator_ends_a_rest()
    {
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();
        var pace = new CompactionPace(() => TimeSpan.FromHours(1), stopped.Token);
        Thread.Sleep(CompactionPace.WorkSlice * 2);

        Assert.Throws<OperationCanceledException>(pace.Step);
    }

    private static void AppendUntil(FileJournal journal, Func<bool> done)
    {
        for (var lsn = 1; !done(); lsn++)
            journal.Append(new DocumentsChanged("db", "todos", [Change($"todo-{lsn % 5}", lsn, new string('x', 200))]));
    }

    private static TimeSpan Rest(string name) => name switch
    {
        "writing" => CompactionPace.RestWhileWriting,
        "behind" => CompactionPace.RestWhenBehind,
        _ => TimeSpan.Zero,
    };
}
