using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// A journal in a data directory: append-only JSON-lines segments whose every entry is handed to the operating
/// system before <see cref="Append"/> returns, so acknowledged writes survive the process being killed; when
/// durable, written through to the disk itself, so they survive a power loss too. Start reads the latest checkpoint
/// and the segments after it. Once the segments after the checkpoint reach a size, appends move on to a new
/// segment and a background compaction folds the closed ones into a new checkpoint (see <see cref="JournalSegments"/>).
/// </summary>
public sealed class FileJournal : IJournal
{
    /// <summary>Segments after the checkpoint may grow to this many bytes before a compaction starts.</summary>
    public const long DefaultCompactAfterBytes = 64L * 1024 * 1024;

    private const string LockFileName = "journal.lock";

    // A clean stop finishes a compaction under way without its rests, as a database writes a checkpoint when it shuts
    // down, so the next start reads the checkpoint rather than the segments it folds; one that needs longer is stopped.
    private static readonly TimeSpan DefaultFinishCompactionOnClose = TimeSpan.FromSeconds(5);

    private readonly JournalSegments segments;
    private readonly FileStream directoryLock;
    private readonly bool durable;
    private readonly long compactAfterBytes;
    private readonly OnlineCompaction compaction;
    private readonly CancellationTokenSource abandonCompaction = new();
    private readonly TimeProvider time;
    private readonly TimeSpan finishCompactionOnClose;
    private volatile bool closeRequested;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly bool upgraded;
    private FileStream appender;
    private long activeSegment;
    private long tailBytes;
    private long lastAppend;
    private long checkpoint;
    private Task running = Task.CompletedTask;

    /// <param name="compactionStepDelay">A pause between the steps of a compaction, so crash tests can kill the
    /// emulator in the middle of one; zero outside such tests.</param>
    /// <param name="logger">Where failed compactions are reported (they fail in the background).</param>
    public FileJournal(string dataDirectory, bool durable = false, long compactAfterBytes = DefaultCompactAfterBytes,
        TimeSpan compactionStepDelay = default, ILogger? logger = null)
        : this(new JournalSegments(dataDirectory), durable, compactAfterBytes, compactionStepDelay, logger ?? NullLogger.Instance)
    {
    }

    /// <param name="time">The clock that tells a compaction how long ago the last write arrived.</param>
    /// <param name="finishCompactionOnClose">How long <see cref="Dispose"/> lets a compaction under way finish.</param>
    internal FileJournal(JournalSegments segments, bool durable, long compactAfterBytes, TimeSpan compactionStepDelay, ILogger logger,
        TimeProvider? time = null, TimeSpan? finishCompactionOnClose = null)
    {
        Directory.CreateDirectory(segments.Directory);
        this.segments = segments;
        this.logger = logger;
        this.time = time ?? TimeProvider.System;
        this.finishCompactionOnClose = finishCompactionOnClose ?? DefaultFinishCompactionOnClose;
        // No write yet: a compaction at start (after replay) may work without rests.
        lastAppend = this.time.GetTimestamp() - (long)(CompactionPace.IdleAfter.TotalSeconds * this.time.TimestampFrequency);
        compaction = new OnlineCompaction(segments, compactionStepDelay, RestAfterCompactionSlice, logger);
        this.durable = durable;
        this.compactAfterBytes = compactAfterBytes;
        directoryLock = LockDirectory(segments.Directory);
        try
        {
            checkpoint = segments.Recover();
            var tail = segments.SegmentsAfter(checkpoint);
            upgraded = tail.Contains(JournalSegments.LegacySegment);
            if (upgraded)
                CompactEarlierBuildsJournal();
            activeSegment = tail.LastOrDefault(number => number != JournalSegments.LegacySegment);
            if (activeSegment == 0)
                activeSegment = Math.Max(checkpoint, JournalSegments.LegacySegment) + 1;
            else
                JournalFile.TruncateTornLine(segments.SegmentPath(activeSegment));
            appender = segments.OpenForAppend(activeSegment, durable);
            tailBytes = segments.SegmentBytes(tail);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    public void Append(JournalEntry entry)
    {
        var line = JournalFile.Utf8.GetBytes(JournalLine.Write(entry) + "\n");
        lock (gate)
        {
            appender.Write(line);
            appender.Flush(flushToDisk: false);
            tailBytes += line.Length;
            lastAppend = time.GetTimestamp();
            if (tailBytes >= compactAfterBytes && running.IsCompleted && !closeRequested)
                running = StartCompaction();
        }
    }

    /// <summary>Applies the checkpoint (its containers concurrently), then the segments after it in order.
    /// Then converts the journal of an earlier build, or compacts a long tail, in the background.</summary>
    public void Replay(Action<JournalEntry> apply)
    {
        ReplayMemory.Run(segments.BytesFrom(checkpoint), () =>
        {
            if (checkpoint != JournalSegments.NoCheckpoint)
                Checkpoint.Replay(segments.CheckpointPath(checkpoint), apply);
            foreach (var segment in segments.SegmentsAfter(checkpoint))
                JournalFile.ReplayReadingAhead(segments.SegmentPath(segment), apply);
        });
        lock (gate)
        {
            if ((upgraded || tailBytes >= compactAfterBytes) && running.IsCompleted && !closeRequested)
                running = StartCompaction();
        }
    }

    /// <summary>Folds everything appended so far into a new checkpoint; completes once that compaction has
    /// finished (after waiting for one already running). Throws <see cref="ObjectDisposedException"/> once the journal
    /// closes: a compaction started then would run past the directory's lock.</summary>
    public async Task CompactAsync()
    {
        while (true)
        {
            Task current;
            bool startedHere;
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(closeRequested, this);
                startedHere = running.IsCompleted;
                if (startedHere)
                    running = StartCompaction();
                current = running;
            }
            if (startedHere)
            {
                await current;
                return;
            }
            // One already running may not include the latest appends; whether it fails or not, start one after it.
            await Task.WhenAny(current);
        }
    }

    public void Dispose()
    {
        Task stopping;
        lock (gate)
        {
            closeRequested = true;
            stopping = running;
        }
        Task.WhenAny(stopping).Wait(finishCompactionOnClose);
        abandonCompaction.Cancel();
        // A compaction stopped or failed midway leaves a temporary checkpoint or replaced files: the next open removes them.
        Task.WhenAny(stopping).Wait();
        lock (gate)
        {
            appender.Dispose();
            directoryLock.Dispose();
        }
        abandonCompaction.Dispose();
    }

    // Runs under the gate: only the switch to a new segment holds up appends. The fold runs on a thread of its own:
    // it is long and busy, and on a thread of the pool it would leave one fewer to serve requests. Never throws: it
    // runs after Append has written its line, which must then be applied; a failure is the returned task's.
    private Task StartCompaction()
    {
        try
        {
            if (appender.Length > 0)
                MoveToNextSegment();
        }
        catch (Exception exception)
        {
            Failed(exception);
            return Task.FromException(exception);
        }
        // The active segment is empty now: every byte before it is the compaction's.
        tailBytes = 0;
        var (from, upTo) = (checkpoint, activeSegment - 1);
        if (upTo <= from)
            return Task.CompletedTask;
        return Task.Factory.StartNew(() =>
        {
            try
            {
                compaction.Run(from, upTo, () =>
                {
                    lock (gate)
                        checkpoint = upTo;
                }, abandonCompaction.Token);
            }
            catch (Exception exception) when (!abandonCompaction.IsCancellationRequested)
            {
                Failed(exception);
                throw;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    // Read without the gate, which appends hold: a value one append old paces a compaction just as well.
    internal TimeSpan RestAfterCompactionSlice() => CompactionPace.RestAfterSlice(
        closeRequested, time.GetElapsedTime(Volatile.Read(ref lastAppend)), Volatile.Read(ref tailBytes), compactAfterBytes);

    // The files stay readable and the next compaction folds these segments too; only the start time suffers.
    private void Failed(Exception exception) =>
        logger.LogError(exception, "A compaction of the journal in '{DataDirectory}' failed; the next one retries it.", segments.Directory);

    private void MoveToNextSegment()
    {
        var next = segments.OpenForAppend(activeSegment + 1, durable);
        appender.Dispose();
        appender = next;
        activeSegment++;
    }

    // Earlier builds compacted their journal at every start, and the compaction drops the writes some of them
    // journaled after a deletion; it is rewritten once (atomically) before replay, then converted in the background.
    private void CompactEarlierBuildsJournal()
    {
        var path = segments.SegmentPath(JournalSegments.LegacySegment);
        JournalFile.TruncateTornLine(path);
        var temporary = path + ".tmp";
        Checkpoint.WriteSingleFile(JournalCompaction.Fold(JournalFile.Read(path).Select(read => read.Entry)), temporary);
        File.Move(temporary, path, overwrite: true);
    }

    // Two emulators appending to one file would interleave their histories; the OS drops the lock when a process dies.
    private static FileStream LockDirectory(string dataDirectory)
    {
        var lockPath = Path.Combine(dataDirectory, LockFileName);
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new IOException($"The data directory '{dataDirectory}' is in use by another emulator.", exception);
        }
    }
}
