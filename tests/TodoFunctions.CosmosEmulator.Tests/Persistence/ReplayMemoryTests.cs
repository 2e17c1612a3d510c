using System.Runtime;
using TodoFunctions.CosmosEmulator.Persistence;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>A large replay runs without collections, and every way out of that (a small replay, another replay
/// holding the region, a replay that outgrows its estimate) still replays everything.</summary>
[Collection(nameof(ReplayMemoryTests))]
public sealed class ReplayMemoryTests
{
    private const long LargeReplay = 64L * 1024 * 1024;

    [Fact]
    public void A_large_replay_runs_inside_a_no_GC_region_that_ends_with_it()
    {
        var during = GCLatencyMode.Batch;
        ReplayMemory.Run(LargeReplay, () => during = GCSettings.LatencyMode);

        Assert.Equal(GCLatencyMode.NoGCRegion, during);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void A_small_replay_runs_with_collections_as_usual()
    {
        var during = GCLatencyMode.NoGCRegion;
        ReplayMemory.Run(1024 * 1024, () => during = GCSettings.LatencyMode);

        Assert.NotEqual(GCLatencyMode.NoGCRegion, during);
    }

    [Fact]
    public void A_replay_while_another_holds_the_region_runs_as_usual_and_both_complete()
    {
        GCLatencyMode? inner = null, outer = null, outerAfterInner = null;
        var outerReplayed = false;
        ReplayMemory.Run(LargeReplay, () =>
        {
            outer = GCSettings.LatencyMode;
            var other = new Thread(() => ReplayMemory.Run(LargeReplay, () => inner = GCSettings.LatencyMode));
            other.Start();
            other.Join();
            outerAfterInner = GCSettings.LatencyMode;
            outerReplayed = true;
        });

        Assert.True(outerReplayed);
        Assert.NotNull(inner);
        Assert.Equal(GCLatencyMode.NoGCRegion, outer);
        Assert.Equal(GCLatencyMode.NoGCRegion, inner); // the outer's region
        Assert.Equal(GCLatencyMode.NoGCRegion, outerAfterInner); // the inner did not end it
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void A_replay_that_allocates_more_than_its_estimate_leaves_the_region_and_completes()
    {
        var kept = new List<byte[]>();
        var leftTheRegion = false;
        var entered = false;
        ReplayMemory.Run(LargeReplay, () =>
        {
            entered = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
            for (var allocated = 0L; allocated < 4 * LargeReplay && !leftTheRegion; allocated += 1 << 20)
            {
                kept.Add(new byte[1 << 20]);
                leftTheRegion = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion;
            }
        });

        Assert.True(entered);
        Assert.True(leftTheRegion);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        GC.KeepAlive(kept);
    }
}

/// <summary>The no-GC region is process-wide: another test collecting or allocating heavily meanwhile would end it.</summary>
[CollectionDefinition(nameof(ReplayMemoryTests), DisableParallelization = true)]
public sealed class ReplayMemoryTestsRunAlone;
