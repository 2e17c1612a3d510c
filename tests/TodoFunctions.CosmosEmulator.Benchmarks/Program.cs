using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Azure.Cosmos;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.CosmosEmulator.Tests.Persistence;

// Figures for the embedded emulator: how fast it starts, what one client gets from it, how fast the change feed
// processor sees a write, what an ORDER BY page costs. Request charges come from the emulator's cost model:
// "modelled RU", never measured RU.
Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");
if (args is ["ordered-pages"])
{
    await OrderedPageBenchmarks.RunAsync();
    return;
}
if (args is ["compaction", ..])
{
    await CompactionBenchmarks.RunAsync(args is [_, var megabytes] ? int.Parse(megabytes) : 100);
    return;
}
if (args is ["bulk-import", ..])
{
    await BulkImportBenchmarks.RunAsync(args is [_, var documents] ? int.Parse(documents) : 100_000);
    return;
}
if (args is ["scale"])
{
    await ScaleBenchmarks.RunAsync();
    return;
}

const int StandaloneStarts = 3;
const int PointWrites = 2000;
const int PointReads = 2000;
const int Batches = 300;
const int OperationsPerBatch = 10;
const int Queries = 500;
const int QueriedItems = 100;
const int ChangeFeedWrites = 100;
const int JournaledWrites = 1000;
var changeFeedPollInterval = TimeSpan.FromMilliseconds(100);

Console.WriteLine($"Embedded Cosmos DB emulator benchmark: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, " +
    $"{RuntimeInformation.FrameworkDescription}, {BuildConfiguration()} build, Microsoft.Azure.Cosmos {typeof(CosmosClient).Assembly.GetName().Version}");
if (File.Exists("/proc/loadavg"))
    Console.WriteLine($"Load average at start (other work on this machine skews every figure): {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine("Request charges are the emulator's cost model: modelled RU, not measured RU.");
Console.WriteLine();

var inProcessStart = Stopwatch.StartNew();
await using var server = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions());
using var client = CreateClient(server.ConnectionString);
var database = (await client.CreateDatabaseIfNotExistsAsync("benchmark")).Database;
Console.WriteLine($"In-process start (HTTP on loopback) to first database created, this process's first SDK call: {inProcessStart.Elapsed.TotalMilliseconds:N0} ms");
Console.WriteLine();

Console.WriteLine($"Standalone start (child process, HTTPS as by default, in memory; {StandaloneStarts} runs; the SDK in this process is already warm):");
for (var run = 1; run <= StandaloneStarts; run++)
    await MeasureStandaloneStartAsync(run);
Console.WriteLine();

Console.WriteLine("In-process, one client, one operation in flight (after a warm-up):");
var items = (await database.CreateContainerIfNotExistsAsync("items", "/pk")).Container;
await MeasureAsync("point write (create)", PointWrites, async i =>
    (await items.CreateItemAsync(Item($"w{i}", i))).RequestCharge);
await MeasureAsync("point read", PointReads, async i =>
    (await items.ReadItemAsync<BenchmarkItem>($"w{i % PointWrites}", new PartitionKey(PartitionOf(i % PointWrites)))).RequestCharge);
await MeasureAsync($"transactional batch of {OperationsPerBatch} creates", Batches, async i =>
{
    var batch = items.CreateTransactionalBatch(new PartitionKey($"batch-{i}"));
    for (var operation = 0; operation < OperationsPerBatch; operation++)
        batch.CreateItem(new BenchmarkItem($"b{i}-{operation}", $"batch-{i}", operation));
    using var response = await batch.ExecuteAsync();
    return response.IsSuccessStatusCode ? response.RequestCharge : throw new InvalidOperationException($"batch answered {response.StatusCode}");
});

var queried = (await database.CreateContainerIfNotExistsAsync("queried", "/pk")).Container;
for (var i = 0; i < QueriedItems; i++)
    await queried.CreateItemAsync(Item($"q{i}", i));
await MeasureAsync($"query (cross-partition, 10 of {QueriedItems} items)", Queries, async i =>
{
    var from = i % (QueriedItems - 10);
    var charge = 0.0;
    var tenItems = new QueryDefinition("SELECT * FROM c WHERE c.n >= @from AND c.n < @to ORDER BY c.n")
        .WithParameter("@from", from)
        .WithParameter("@to", from + 10);
    using var pages = queried.GetItemQueryIterator<BenchmarkItem>(tenItems);
    while (pages.HasMoreResults)
        charge += (await pages.ReadNextAsync()).RequestCharge;
    return charge;
});
Console.WriteLine();

Console.WriteLine($"Cost of --durable: point writes to an emulator with a data directory in {Path.GetTempPath()}, without and with write-through:");
var handedToOperatingSystem = await MeasureJournaledWritesAsync(durable: false);
var onDisk = await MeasureJournaledWritesAsync(durable: true);
Console.WriteLine($"  durable costs {onDisk / handedToOperatingSystem:N1}x the time per write ({onDisk - handedToOperatingSystem:N3} ms more each)");
Console.WriteLine();

await MeasureChangeFeedLatencyAsync();
Console.WriteLine();
await PartitionBenchmarks.RunAsync();
Console.WriteLine();
await OrderedPageBenchmarks.RunAsync();
return;

async Task<double> MeasureJournaledWritesAsync(bool durable)
{
    var dataDirectory = Directory.CreateTempSubdirectory("emulator-benchmark-");
    try
    {
        await using var journaled = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory.FullName, Durable = durable });
        using var journaledClient = CreateClient(journaled.ConnectionString);
        var journaledDatabase = (await journaledClient.CreateDatabaseIfNotExistsAsync("benchmark")).Database;
        var container = (await journaledDatabase.CreateContainerIfNotExistsAsync("items", "/pk")).Container;
        return await MeasureAsync(durable ? "point write (create), --durable" : "point write (create), --data-dir", JournaledWrites, async i =>
            (await container.CreateItemAsync(Item($"w{i}", i))).RequestCharge);
    }
    finally
    {
        dataDirectory.Delete(recursive: true);
    }
}

async Task MeasureStandaloneStartAsync(int run)
{
    var sinceSpawn = Stopwatch.StartNew();
    using var emulator = StandaloneEmulatorProcess.Start("--port", "0");
    var connectionString = await emulator.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
    var listening = sinceSpawn.Elapsed;
    using var standaloneClient = CreateClient(connectionString, acceptSelfSignedCertificate: true);
    await standaloneClient.CreateDatabaseIfNotExistsAsync("startup");
    var firstCall = sinceSpawn.Elapsed;
    Console.WriteLine($"  run {run}: spawn to listening {listening.TotalMilliseconds,6:N0} ms, spawn to first successful SDK call (create database) {firstCall.TotalMilliseconds,6:N0} ms");
}

async Task<double> MeasureAsync(string name, int count, Func<int, Task<double>> operation)
{
    var warmUp = count / 10;
    for (var i = count; i < count + warmUp; i++)
        await operation(i);
    var charge = 0.0;
    var elapsed = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
        charge += await operation(i);
    elapsed.Stop();
    Console.WriteLine($"  {name,-44} {count / elapsed.Elapsed.TotalSeconds,8:N0} /s {elapsed.Elapsed.TotalMilliseconds / count,8:N3} ms each {charge / count,8:N2} modelled RU each  (n={count})");
    return elapsed.Elapsed.TotalMilliseconds / count;
}

async Task MeasureChangeFeedLatencyAsync()
{
    var source = (await database.CreateContainerIfNotExistsAsync("feed", "/pk")).Container;
    var leases = (await database.CreateContainerIfNotExistsAsync("leases", "/id")).Container;
    var awaitingDelivery = new ConcurrentDictionary<string, TaskCompletionSource<long>>();
    var processor = source
        .GetChangeFeedProcessorBuilder<BenchmarkItem>("latency", (changes, _) =>
        {
            var deliveredAt = Stopwatch.GetTimestamp();
            foreach (var change in changes)
                if (awaitingDelivery.TryRemove(change.id, out var delivery))
                    delivery.TrySetResult(deliveredAt);
            return Task.CompletedTask;
        })
        .WithInstanceName("benchmark")
        .WithLeaseContainer(leases)
        .WithPollInterval(changeFeedPollInterval)
        .Build();
    await processor.StartAsync();
    try
    {
        await WriteAndAwaitDeliveryAsync("warm-up", -1);
        var latencies = new List<double>();
        for (var i = 0; i < ChangeFeedWrites; i++)
        {
            // Writing right after a delivery would meet the processor's immediate re-read, not its poll cycle.
            await Task.Delay(Random.Shared.Next((int)changeFeedPollInterval.TotalMilliseconds));
            latencies.Add(await WriteAndAwaitDeliveryAsync($"f{i}", i));
        }
        latencies.Sort();
        Console.WriteLine($"Change feed processor, write to delivery (create call to handler; poll interval {changeFeedPollInterval.TotalMilliseconds:N0} ms, " +
            $"writes at random points of the poll cycle, n={ChangeFeedWrites}):");
        Console.WriteLine($"  median {Percentile(latencies, 50),6:N1} ms, p99 {Percentile(latencies, 99),6:N1} ms, min {latencies[0],6:N1} ms, max {latencies[^1],6:N1} ms");
    }
    finally
    {
        await processor.StopAsync();
    }

    async Task<double> WriteAndAwaitDeliveryAsync(string id, int n)
    {
        var delivery = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        awaitingDelivery[id] = delivery;
        var writtenAt = Stopwatch.GetTimestamp();
        await source.CreateItemAsync(Item(id, n));
        var deliveredAt = await delivery.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return Stopwatch.GetElapsedTime(writtenAt, deliveredAt).TotalMilliseconds;
    }
}

static double Percentile(List<double> sorted, int percent) => sorted[(int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1];

static BenchmarkItem Item(string id, int n) => new(id, PartitionOf(n), n);

static string PartitionOf(int n) => $"p{Math.Abs(n) % 10}";

static CosmosClient CreateClient(string connectionString, bool acceptSelfSignedCertificate = false) =>
    new(connectionString, new CosmosClientOptions
    {
        ConnectionMode = ConnectionMode.Gateway,
        LimitToEndpoint = true,
        ServerCertificateCustomValidationCallback = acceptSelfSignedCertificate ? (_, _, _) => true : null,
    });

static string BuildConfiguration() =>
#if DEBUG
    "Debug";
#else
    "Release";
#endif

internal sealed record BenchmarkItem(string id, string pk, int n);
