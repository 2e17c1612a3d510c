using Microsoft.Extensions.Logging;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// Folds a checkpoint and the closed segments after it into a new checkpoint, from the files alone, so it runs
/// beside the live emulator without holding up a write. Each step leaves a directory that reopens with every
/// acknowledged write: until the rename the old checkpoint and segments are whole; after it the new checkpoint is,
/// and what it replaced is only deleted then (a crash or a failure there leaves it for <see cref="JournalSegments.Recover"/>
/// or the next compaction).
/// </summary>
internal sealed class OnlineCompaction(JournalSegments segments, TimeSpan stepDelay, Func<TimeSpan> restAfterSlice, ILogger logger)
{
    /// <summary>Writes the checkpoint of every segment up to <paramref name="upTo"/> (none may still be appended to)
    /// on top of checkpoint <paramref name="from"/>, calls <paramref name="completed"/> once it is the checkpoint to
    /// read from, then deletes what it replaces.</summary>
    public void Run(long from, long upTo, Action completed, CancellationToken cancellation)
    {
        var closedSegments = segments.SegmentsAfter(from).Where(number => number <= upTo);
        var entries = (from == JournalSegments.NoCheckpoint ? Enumerable.Empty<JournalEntry>() : Checkpoint.Read(segments.CheckpointPath(from)))
            .Concat(closedSegments.SelectMany(number => JournalFile.Read(segments.SegmentPath(number)).Select(read => read.Entry)));
        var pace = new CompactionPace(restAfterSlice, cancellation);
        var folded = JournalCompaction.Fold(entries.Select(entry => { pace.Step(); return entry; }));
        Step(cancellation);

        var checkpoint = segments.CheckpointPath(upTo);
        var temporary = JournalSegments.TemporaryPath(checkpoint);
        if (Directory.Exists(temporary))
            Directory.Delete(temporary, recursive: true);
        Checkpoint.Write(folded, temporary, () => Step(cancellation), pace.Step);
        JournalSegments.Sync(temporary);
        Directory.Move(temporary, checkpoint);
        JournalSegments.Sync(segments.Directory);
        // From here on the replaced files may be partly deleted: the next compaction must not fold them.
        completed();
        Step(cancellation);

        try
        {
            segments.RemoveReplacedBy(upTo);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(exception, "Compaction wrote {Checkpoint} but could not remove the files it replaces; the next compaction or start removes them.", checkpoint);
        }
    }

    // The pause lets crash tests kill the emulator between two steps; a compaction abandoned (a stop's grace over)
    // stops here or at its next rest.
    private void Step(CancellationToken cancellation)
    {
        if (stepDelay > TimeSpan.Zero)
            cancellation.WaitHandle.WaitOne(stepDelay);
        cancellation.ThrowIfCancellationRequested();
    }
}
