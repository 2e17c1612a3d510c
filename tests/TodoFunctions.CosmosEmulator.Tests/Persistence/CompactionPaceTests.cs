using Microsoft.Extensions.Logging.Abstractions;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Tests.Session;
using static TodoFunctions.CosmosEmulator.Tests.Persistence.JournalSamples;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>How long a compaction rests after each slice of work: long while writes arrive, not at all when none
/// do or the emulator is stopping, and briefly once the writes since it began are worth another compaction.</summary>
public sealed class CompactionPaceTests : IDisposable
{
    private const long CompactAfterBytes = 1024;
    private static readonly TimeSpan JustBeforeIdle = CompactionPace.IdleAfter - TimeSpan.FromMilliseconds(1);
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("compaction-pace-").FullName;
    private readonly ManualClock clock = new();

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    public static TheoryData<bool, TimeSpan, long, TimeSpan> Rests => new()
    {
        { false, TimeSpan.Zero, 0, CompactionPace.RestWhileWriting },
        { false, JustBeforeIdle, CompactAfterBytes - 1, CompactionPace.RestWhileWriting },
        { false, TimeSpan.Zero, CompactAfterBytes, CompactionPace.RestWhenBehind },
        { false, JustBeforeIdle, 10 * CompactAfterBytes, CompactionPace.RestWhenBehind },
        { false, CompactionPace.IdleAfter, 0, TimeSpan.Zero },
        { false, TimeSpan.FromMinutes(1), 10 * CompactAfterBytes, TimeSpan.Zero },
        { true, TimeSpan.Zero, 0, TimeSpan.Zero },
        { true, TimeSpan.Zero, 10 * CompactAfterBytes, TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(Rests))]
    public void The_rest_follows_the_writes_and_the_stop(bool closing, TimeSpan sinceLastAppend, long bytesAppendedSinceItBegan, TimeSpan expected) =>
        Assert.Equal(expected, CompactionPace.RestAfterSlice(closing, sinceLastAppend, bytesAppendedSinceItBegan, CompactAfterBytes));

    [Fact]
    public void A_journal_never_written_to_lets_a_compaction_work_without_rest()
    {
        using var journal = Open(compactionStepDelay: TimeSpan.Zero);

        Assert.Equal(TimeSpan.Zero, journal.RestAfterCompactionSlice());
    }

    [Fact]
    public void A_compaction_rests_long_while_writes_arrive_briefly_once_they_are_worth_another_compaction_and_not_when_they_stop()
    {
        using var journal = Open(compactionStepDelay: TimeSpan.FromMinutes(5));
        AppendAll(journal, DatabaseWithTodos);
        Assert.Equal(CompactionPace.RestWhileWriting, journal.RestAfterCompactionSlice());

        AppendUntil(journal, () => Directory.EnumerateFiles(dataDirectory, "journal-000002.jsonl").Any());
        // The compaction began with the second segment (and waits at its first step): only what follows counts.
        journal.Append(new DocumentsChanged("db", "todos", [Change("todo-1", 1000, "after it began")]));
        Assert.Equal(CompactionPace.RestWhileWriting, journal.RestAfterCompactionSlice());

        AppendUntil(journal, () => new FileInfo(Path.Combine(dataDirectory, "journal-000002.jsonl")).Length >= CompactAfterBytes);
        Assert.Equal(CompactionPace.RestWhenBehind, journal.RestAfterCompactionSlice());
        Assert.False(File.Exists(Path.Combine(dataDirectory, "journal-000003.jsonl")));

        clock.Advance(CompactionPace.IdleAfter);
        Assert.Equal(TimeSpan.Zero, journal.RestAfterCompactionSlice());
    }

    [Fact]
    public async Task Abandoning_a_compaction_ends_its_rest()
    {
        using var abandon = new CancellationTokenSource();
        var pace = new CompactionPace(() => TimeSpan.FromHours(1), abandon.Token);
        Thread.Sleep(CompactionPace.WorkSlice * 2);
        var resting = Task.Run(pace.Step);
        await Task.Delay(TimeSpan.FromMilliseconds(50));

        await abandon.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => resting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private FileJournal Open(TimeSpan compactionStepDelay) => new(
        new JournalSegments(dataDirectory), durable: false, CompactAfterBytes, compactionStepDelay, NullLogger.Instance,
        clock, finishCompactionOnClose: TimeSpan.Zero);

    private static void AppendUntil(FileJournal journal, Func<bool> done)
    {
        for (var lsn = 1; !done(); lsn++)
            journal.Append(new DocumentsChanged("db", "todos", [Change($"todo-{lsn % 5}", lsn, new string('x', 200))]));
    }
}
