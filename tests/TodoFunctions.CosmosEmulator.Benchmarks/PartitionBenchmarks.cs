using System.Diagnostics;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator;

/// <summary>
/// Figures for partition key ranges: throughput with 1 and with 8 ranges, how long a split takes while writes
/// flow, and how long the change feed processor takes to rebalance its leases when an instance joins or dies.
/// </summary>
internal static class PartitionBenchmarks
{
    private const int Operations = 2000;
    private const int InFlight = 4;
    private const int Queries = 200;
    private const int RangesForProcessor = 8;
    private static readonly TimeSpan LeaseExpiration = TimeSpan.FromSeconds(3);

    public static async Task RunAsync()
    {
        Console.WriteLine($"Partition key ranges, in process, {InFlight} operations in flight:");
        foreach (var ranges in new[] { 1, 8 })
            await MeasureThroughputAsync(ranges);
        await MeasureSplitUnderLoadAsync();
        await MeasureProcessorRebalancingAsync();
    }

    private static async Task MeasureThroughputAsync(int ranges)
    {
        await using var server = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { PartitionKeyRanges = ranges });
        using var client = Client(server);
        var container = (await (await client.CreateDatabaseAsync("throughput")).Database.CreateContainerAsync("items", "/pk")).Container;
        var writes = await RateAsync(Operations, i => container.CreateItemAsync(Item(i), new PartitionKey(PartitionOf(i))));
        var reads = await RateAsync(Operations, i => container.ReadItemAsync<JObject>($"item-{i}", new PartitionKey(PartitionOf(i))));
        var fannedOut = await RateAsync(Queries, i => DrainAsync(container, $"SELECT * FROM c WHERE c.n >= {i * 10 % Operations} AND c.n < {i * 10 % Operations + 10}"));
        var ordered = await RateAsync(Queries, i => DrainAsync(container, $"SELECT TOP 10 * FROM c WHERE c.n >= {i * 10 % Operations} ORDER BY c.n"));
        Console.WriteLine($"  {ranges} range(s): point writes {writes,7:N0} /s, point reads {reads,7:N0} /s, " +
            $"cross-partition filter query {fannedOut,5:N0} /s, cross-partition TOP/ORDER BY query {ordered,5:N0} /s");
    }

    private static async Task MeasureSplitUnderLoadAsync()
    {
        await using var server = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions());
        using var client = Client(server);
        var container = (await (await client.CreateDatabaseAsync("split")).Database.CreateContainerAsync("items", "/pk")).Container;
        for (var i = 0; i < Operations; i++)
            await container.CreateItemAsync(Item(i), new PartitionKey(PartitionOf(i)));
        using var stop = new CancellationTokenSource();
        var slowest = new double[InFlight];
        var writers = Enumerable.Range(0, InFlight).Select(writer => Task.Run(async () =>
        {
            for (var i = Operations + writer; !stop.IsCancellationRequested; i += InFlight)
            {
                var started = Stopwatch.GetTimestamp();
                await container.CreateItemAsync(Item(i), new PartitionKey(PartitionOf(i)));
                slowest[writer] = Math.Max(slowest[writer], Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })).ToList();
        await Task.Delay(500);
        Array.Clear(slowest);
        var split = Stopwatch.StartNew();
        server.SplitPartitionKeyRange("split", "items", "0");
        split.Stop();
        await Task.Delay(500);
        var slowestAroundSplit = slowest.Max();
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        Console.WriteLine($"  split of a range holding {Operations}+ items under {InFlight} writers: {split.Elapsed.TotalMilliseconds:N1} ms; " +
            $"slowest write in the second around it {slowestAroundSplit:N1} ms");
    }

    private static async Task MeasureProcessorRebalancingAsync()
    {
        await using var server = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { PartitionKeyRanges = RangesForProcessor });
        using var client = Client(server);
        var database = (await client.CreateDatabaseAsync("rebalancing")).Database;
        await database.CreateContainerAsync("items", "/pk");
        var leases = (await database.CreateContainerAsync("leases", "/id")).Container;
        using var secondClient = Client(server);

        var first = Processor(client, "first");
        await first.StartAsync();
        await WaitForOwnersAsync(leases, owners => owners.GetValueOrDefault("first") == RangesForProcessor);
        var joining = Stopwatch.StartNew();
        var second = Processor(secondClient, "second");
        await second.StartAsync();
        await WaitForOwnersAsync(leases, owners => owners.GetValueOrDefault("second") == RangesForProcessor / 2);
        joining.Stop();

        // Dies without releasing its leases: its client goes away, so it can neither renew nor release them.
        var dying = Stopwatch.StartNew();
        secondClient.Dispose();
        await WaitForOwnersAsync(leases, owners => owners.GetValueOrDefault("first") == RangesForProcessor);
        dying.Stop();
        await first.StopAsync();
        Console.WriteLine($"  change feed processor over {RangesForProcessor} ranges (acquire interval 0.2 s, lease expiry {LeaseExpiration.TotalSeconds:N0} s): " +
            $"second instance joins → owns half the leases after {joining.Elapsed.TotalSeconds:N1} s; " +
            $"it dies → the first owns all again after {dying.Elapsed.TotalSeconds:N1} s");
    }

    private static ChangeFeedProcessor Processor(CosmosClient client, string instance) =>
        client.GetContainer("rebalancing", "items")
            .GetChangeFeedProcessorBuilder<JObject>("rebalancing", (IReadOnlyCollection<JObject> _, CancellationToken _) => Task.CompletedTask)
            .WithInstanceName(instance)
            .WithLeaseContainer(client.GetContainer("rebalancing", "leases"))
            .WithPollInterval(TimeSpan.FromMilliseconds(100))
            .WithLeaseConfiguration(acquireInterval: TimeSpan.FromMilliseconds(200), expirationInterval: LeaseExpiration,
                renewInterval: TimeSpan.FromMilliseconds(500))
            .Build();

    private static async Task WaitForOwnersAsync(Container leases, Func<Dictionary<string, int>, bool> settled)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            using var query = leases.GetItemQueryIterator<JObject>("SELECT c.Owner FROM c WHERE IS_DEFINED(c.LeaseToken)");
            var owners = new List<string>();
            while (query.HasMoreResults)
                owners.AddRange((await query.ReadNextAsync()).Select(lease => lease.Value<string>("Owner") ?? ""));
            if (settled(owners.GroupBy(owner => owner).ToDictionary(group => group.Key, group => group.Count())))
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException("The leases did not settle within 120 s.");
    }

    private static async Task<double> RateAsync(int count, Func<int, Task> operation)
    {
        var next = -1;
        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
                await operation(i);
        })));
        return count / elapsed.Elapsed.TotalSeconds;
    }

    private static async Task DrainAsync(Container container, string query)
    {
        using var pages = container.GetItemQueryIterator<JObject>(query);
        while (pages.HasMoreResults)
            await pages.ReadNextAsync();
    }

    private static JObject Item(int n) => new() { ["id"] = $"item-{n}", ["pk"] = PartitionOf(n), ["n"] = n };

    private static string PartitionOf(int n) => $"tenant-{n % 97}";

    private static CosmosClient Client(CosmosEmulatorServer server) =>
        new(server.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });
}
