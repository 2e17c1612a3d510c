using System.Collections.Concurrent;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Partitions;

/// <summary>
/// The SDK's change feed processor, two instances sharing one leases container, through a split under writes and a
/// 10% fault rate on everything the processors ask of the emulator (change feed reads of the monitored container,
/// point operations on the leases container, with throttles, 503s, timeouts before and after applying, 410/1002 and
/// dropped connections): the parent lease is replaced by child leases, every item is delivered, and no checkpoint
/// ever passes an item that was not delivered. The test's own writes and checks are not faulted.
/// </summary>
public sealed class ProcessorSplitTests : IAsyncLifetime
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, long> lsnOfWritten = new();
    private readonly ConcurrentDictionary<string, byte> delivered = new();
    private readonly ConcurrentQueue<string> checkpointViolations = new();
    private PartitionedEmulator emulator = null!;
    private Container monitored = null!;
    private Container leases = null!;

    public async Task InitializeAsync()
    {
        emulator = await PartitionedEmulator.StartAsync(EmulatorOptions());
        var database = (await emulator.Client.CreateDatabaseAsync("processor")).Database;
        monitored = (await database.CreateContainerAsync("todos", "/pk")).Container;
        leases = (await database.CreateContainerAsync("leases", "/id")).Container;
    }

    public async Task DisposeAsync() => await emulator.DisposeAsync();

    private static CosmosEmulatorOptions EmulatorOptions() => new()
    {
        PartitionKeyRangesByContainer = new Dictionary<string, int> { ["todos"] = 2 },
        Faults = new FaultPlan
        {
            Seed = 20261201,
            Rules =
            [
                .. ChangeFeedFaults.Select(outcome => new FaultRule
                {
                    Container = "todos", Operations = [FaultOperation.ChangeFeed], Probability = 0.02, Outcome = outcome, RetryAfterMs = 20,
                }),
                .. LeaseFaults.Select(outcome => new FaultRule
                {
                    Container = "leases", Operations = LeaseOperations, Probability = 0.02, Outcome = outcome, RetryAfterMs = 20,
                }),
            ],
        },
    };

    private static readonly FaultOutcome[] ChangeFeedFaults =
        [FaultOutcome.Throttle, FaultOutcome.ServiceUnavailable, FaultOutcome.Timeout, FaultOutcome.PartitionKeyRangeGone, FaultOutcome.DropConnection];

    private static readonly FaultOutcome[] LeaseFaults =
        [FaultOutcome.Throttle, FaultOutcome.ServiceUnavailable, FaultOutcome.TimeoutAfterApply, FaultOutcome.ServiceUnavailableAfterApply, FaultOutcome.DropConnection];

    // The test reads the leases by query to check checkpoints; the processors' point operations are what is faulted.
    private static readonly FaultOperation[] LeaseOperations =
        [FaultOperation.Read, FaultOperation.Create, FaultOperation.Replace, FaultOperation.Upsert, FaultOperation.Delete];

    [EmbeddedEmulatorFact]
    public async Task Two_processors_through_a_split_under_writes_deliver_everything_and_move_to_child_leases()
    {
        var first = Processor("instance-a");
        var second = Processor("instance-b");
        await first.StartAsync();
        await second.StartAsync();
        using var stop = new CancellationTokenSource();
        var writer = WriteUntilStoppedAsync(stop.Token);
        var checker = CheckCheckpointsUntilStoppedAsync(stop.Token);

        await WaitUntilAsync(() => delivered.Count >= 30);
        emulator.Server.SplitPartitionKeyRange("processor", "todos", "0");
        var deliveredAtSplit = delivered.Count;
        await WaitUntilAsync(() => delivered.Count >= deliveredAtSplit + 30);
        await stop.CancelAsync();
        await writer;
        await checker;
        await WaitUntilAsync(() => lsnOfWritten.Keys.All(delivered.ContainsKey));
        await Task.WhenAll(first.StopAsync(), second.StopAsync());
        await CheckCheckpointsAsync();

        var liveRanges = (await emulator.PartitionKeyRangesAsync("processor", "todos"))
            .ToDictionary(range => range.Value<string>("id")!, range => (Min: range.Value<string>("minInclusive")!, Max: range.Value<string>("maxExclusive")!));
        var leasedRanges = (await LeasesAsync()).Select(lease => KeyRangeOf(lease, liveRanges)).ToList();
        var injected = emulator.Server.Faults.Injected;
        Assert.Contains(injected, fault => fault.Container == "todos" && fault.Kind == FaultOutcome.PartitionKeyRangeGone);
        Assert.Contains(injected, fault => fault.Container == "leases" && fault.Kind == FaultOutcome.TimeoutAfterApply);
        Assert.All(lsnOfWritten.Keys, id => Assert.True(delivered.ContainsKey(id), $"{id} was delivered"));
        Assert.Empty(checkpointViolations);
        Assert.Equal(liveRanges.Values.Order(), leasedRanges.Order());
    }

    /// <summary>
    /// The part of the key space a lease covers. The processor keeps a lease per range id, until a 410/1002 on a range
    /// that still exists (an injected one) makes it treat the range as merged: from then on that lease, and the
    /// leases it splits into, name their part of the key space instead (<c>FeedRange</c>). A lease naming a range
    /// that no longer exists covers nothing live, so it cannot match.
    /// </summary>
    private static (string Min, string Max) KeyRangeOf(JObject lease, Dictionary<string, (string Min, string Max)> liveRanges) =>
        lease["FeedRange"]?["Range"] is JObject epk
            ? (epk.Value<string>("min")!, epk.Value<string>("max")!)
            : liveRanges.GetValueOrDefault(lease.Value<string>("LeaseToken")!, ($"gone:{lease.Value<string>("LeaseToken")}", ""));

    private ChangeFeedProcessor Processor(string instance) =>
        monitored.GetChangeFeedProcessorBuilder<JObject>("projection", (IReadOnlyCollection<JObject> changes, CancellationToken _) =>
            {
                foreach (var change in changes)
                    delivered.TryAdd(change.Value<string>("id")!, 0);
                return Task.CompletedTask;
            })
            .WithInstanceName(instance)
            .WithLeaseContainer(leases)
            .WithStartTime(DateTime.MinValue.ToUniversalTime())
            .WithPollInterval(TimeSpan.FromMilliseconds(100))
            .WithMaxItems(5)
            // A lease whose release or renewal is faulted stays with its owner until it expires: keep that short.
            .WithLeaseConfiguration(
                acquireInterval: TimeSpan.FromMilliseconds(200), expirationInterval: TimeSpan.FromSeconds(3), renewInterval: TimeSpan.FromSeconds(1))
            .Build();

    private async Task WriteUntilStoppedAsync(CancellationToken stop)
    {
        for (var index = 0; !stop.IsCancellationRequested; index++)
        {
            var id = $"item-{index:D4}";
            var item = new JObject { ["id"] = id, ["pk"] = $"tenant-{index % 17}" };
            var created = await monitored.CreateItemAsync(item, new PartitionKey(item.Value<string>("pk")));
            lsnOfWritten[id] = created.Resource.Value<long>("_lsn");
        }
    }

    private async Task CheckCheckpointsUntilStoppedAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await CheckCheckpointsAsync();
            await Task.Delay(100, CancellationToken.None);
        }
    }

    /// <summary>
    /// A lease's continuation is the LSN its processor has handled up to: every item of the lease's partitions
    /// with an LSN up to it must have been delivered. The ids are read after the leases, so a delivery that
    /// preceded a checkpoint is always seen.
    /// </summary>
    private async Task CheckCheckpointsAsync()
    {
        var checkpoints = (await LeasesAsync())
            .Where(lease => lease.Value<string>("ContinuationToken") is { Length: > 0 })
            .Select(lease => (Lease: lease, Token: lease.Value<string>("LeaseToken")!, Lsn: long.Parse(lease.Value<string>("ContinuationToken")!.Trim('"'))))
            .ToList();
        var itemsByRange = await ItemsByRangeAsync();
        foreach (var (lease, token, lsn) in checkpoints)
        {
            var idsOfLease = lease["FeedRange"]?["Range"] is JObject
                ? await PartitionedEmulator.IdsInAsync(monitored, FeedRange.FromJsonString(lease["FeedRange"]!.ToString()))
                : itemsByRange.Where(range => range.Key == token || range.Value.Parents.Contains(token)).SelectMany(range => range.Value.Ids);
            var missed = idsOfLease
                .Where(id => lsnOfWritten.TryGetValue(id, out var itemLsn) && itemLsn <= lsn && !delivered.ContainsKey(id))
                .ToList();
            if (missed.Count > 0)
                checkpointViolations.Enqueue($"lease {token} checkpointed at {lsn} before delivering {string.Join(",", missed)}");
        }
    }

    /// <summary>The ids in each live range, with the ranges it was split from, as the emulator's pkranges lists them.</summary>
    private async Task<Dictionary<string, (List<string> Parents, List<string> Ids)>> ItemsByRangeAsync()
    {
        var result = new Dictionary<string, (List<string>, List<string>)>();
        foreach (var range in await emulator.PartitionKeyRangesAsync("processor", "todos"))
        {
            var ids = await PartitionedEmulator.IdsInAsync(monitored, PartitionedEmulator.FeedRangeOf(range));
            result[range.Value<string>("id")!] = ([.. range["parents"]!.Values<string>().OfType<string>()], ids);
        }
        return result;
    }

    private async Task<List<JObject>> LeasesAsync()
    {
        var found = new List<JObject>();
        using var query = leases.GetItemQueryIterator<JObject>("SELECT * FROM c WHERE IS_DEFINED(c.LeaseToken)");
        while (query.HasMoreResults)
            found.AddRange(await query.ReadNextAsync());
        return found;
    }

    /// <summary>Waits for the condition, or gives up after the delivery timeout and leaves the verdict to the assertions.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + DeliveryTimeout;
        while (!condition() && DateTime.UtcNow < deadline)
            await Task.Delay(50);
    }
}
