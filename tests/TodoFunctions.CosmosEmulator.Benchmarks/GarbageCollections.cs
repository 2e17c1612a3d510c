/// <summary>The garbage collections of this process over a stretch of a benchmark, and how long they paused its
/// threads: where a latency figure's tail comes from.</summary>
internal sealed class GarbageCollections
{
    private readonly int[] startCounts = Counts();
    private readonly TimeSpan startPause = GC.GetTotalPauseDuration();
    private readonly long startAllocated = GC.GetTotalAllocatedBytes();
    private int[] counts = [];
    private TimeSpan pause;
    private long allocated;

    public static GarbageCollections Start() => new();

    public void Stop()
    {
        counts = Counts().Select((count, generation) => count - startCounts[generation]).ToArray();
        pause = GC.GetTotalPauseDuration() - startPause;
        allocated = GC.GetTotalAllocatedBytes() - startAllocated;
    }

    public override string ToString() =>
        $"GC: {counts[0]:N0} gen0, {counts[1]:N0} gen1, {counts[2]:N0} gen2 collections, paused {pause.TotalMilliseconds:N0} ms in all, " +
        $"{allocated / 1024.0 / 1024.0:N0} MB allocated";

    // A collection of generation n counts for every younger one too; these are the collections of each generation alone.
    private static int[] Counts() =>
        [GC.CollectionCount(0) - GC.CollectionCount(1), GC.CollectionCount(1) - GC.CollectionCount(2), GC.CollectionCount(2)];
}
