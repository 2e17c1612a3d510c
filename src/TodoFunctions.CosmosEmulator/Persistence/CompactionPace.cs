using System.Diagnostics;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// How hard a compaction works. Folding and writing a checkpoint are busy, so they work in 10 ms slices and rest
/// after each as the writes need: while writes arrive, 50 ms, so only one write in six meets a slice (and the
/// collections its garbage brings); when none has arrived for a second, not at all, so a compaction on an idle
/// emulator (such as the one after a start) ends in a fraction of the time; only 10 ms once another compaction's
/// worth of writes has arrived since it began, so it works half the time and a steady stream of writes is less
/// likely to outrun it; and not at all once the emulator is stopping, which waits a while for it. The slice is
/// checked between journal entries (a checkpoint entry holds up to 1000 documents).
/// </summary>
internal sealed class CompactionPace(Func<TimeSpan> restAfterSlice, CancellationToken cancellation)
{
    public static readonly TimeSpan WorkSlice = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan RestWhileWriting = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan RestWhenBehind = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(1);

    private readonly Stopwatch slice = Stopwatch.StartNew();

    public static TimeSpan RestAfterSlice(bool closing, TimeSpan sinceLastAppend, long bytesAppendedSinceItBegan, long compactAfterBytes) =>
        closing || sinceLastAppend >= IdleAfter ? TimeSpan.Zero
        : bytesAppendedSinceItBegan >= compactAfterBytes ? RestWhenBehind
        : RestWhileWriting;

    /// <summary>Called between two small pieces of work: rests once a slice is used up.</summary>
    public void Step()
    {
        if (slice.Elapsed < WorkSlice)
            return;
        var rest = restAfterSlice();
        if (rest > TimeSpan.Zero)
            cancellation.WaitHandle.WaitOne(rest);
        cancellation.ThrowIfCancellationRequested();
        slice.Restart();
    }
}
