using System.Diagnostics;
using Microsoft.Azure.Cosmos;
using TodoFunctions.CosmosEmulator;

/// <summary>
/// Figures for online compaction: point-write latency (one in flight) with no compaction running, and while a
/// compaction of the live data (100 MB by default) folds it into a checkpoint; the longest write while compacting
/// bounds the pause of the switch to a new segment. The data is filled with concurrent creates.
/// </summary>
internal static class CompactionBenchmarks
{
    private const int DocumentBytes = 500;
    private const int FillConcurrency = 32;
    private const int BaselineWrites = 3000;

    public static async Task RunAsync(int megabytes)
    {
        if (File.Exists("/proc/loadavg"))
            Console.WriteLine($"Online compaction, {Environment.ProcessorCount} cores, load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        var dataDirectory = Directory.CreateTempSubdirectory("compaction-benchmark-").FullName;
        try
        {
            // Compaction only when asked, so the figures compare the same emulator with and without one running.
            await using var server = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory, CompactAfterJournalBytes = long.MaxValue });
            using var client = new CosmosClient(server.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });
            var container = (await (await client.CreateDatabaseAsync("compaction")).Database.CreateContainerAsync("items", "/pk")).Container;

            var documents = megabytes * 1024 * 1024 / DocumentBytes;
            var filling = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, documents), new ParallelOptions { MaxDegreeOfParallelism = FillConcurrency },
                async (index, cancellation) => await container.CreateItemAsync(Document($"fill-{index}", index), cancellationToken: cancellation));
            Console.WriteLine($"Filled {documents:N0} documents of about {DocumentBytes} bytes with {FillConcurrency} concurrent creates in {filling.Elapsed.TotalSeconds:N1} s " +
                $"({documents / filling.Elapsed.TotalSeconds:N0}/s); journal {DirectoryMegabytes(dataDirectory):N1} MB on disk");

            var idleCollections = GarbageCollections.Start();
            var baseline = await WriteAsync(container, "idle", count => count < BaselineWrites);
            idleCollections.Stop();
            var compaction = Stopwatch.StartNew();
            var compactingCollections = GarbageCollections.Start();
            var compacting = server.CompactAsync();
            var during = await WriteAsync(container, "compacting", _ => !compacting.IsCompleted);
            await compacting;
            compactingCollections.Stop();
            Console.WriteLine($"Compaction: {compaction.Elapsed.TotalSeconds:N1} s, {DirectoryMegabytes(dataDirectory):N1} MB on disk after it");
            Print("point write, no compaction", baseline);
            Console.WriteLine($"    {idleCollections}");
            Print("point write, during compaction", during);
            Console.WriteLine($"    {compactingCollections}");
            Console.WriteLine($"  p99 during / p99 without: {Percentile(during, 99) / Percentile(baseline, 99):N2} (goal: at most 2)");
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<List<double>> WriteAsync(Container container, string prefix, Func<int, bool> more)
    {
        var latencies = new List<double>();
        while (more(latencies.Count))
        {
            var write = Stopwatch.StartNew();
            await container.CreateItemAsync(Document($"{prefix}-{latencies.Count}", latencies.Count));
            latencies.Add(write.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        return latencies;
    }

    private static void Print(string name, List<double> sorted) =>
        Console.WriteLine($"  {name,-32} {sorted.Count,6:N0} writes: p50 {Percentile(sorted, 50),6:N2} ms, p99 {Percentile(sorted, 99),6:N2} ms, longest {sorted[^1],7:N2} ms");

    private static double Percentile(List<double> sorted, int percent) => sorted[(int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1];

    private static double DirectoryMegabytes(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length) / 1024.0 / 1024.0;

    private static CompactionDocument Document(string id, int index) => new(id, $"p{index % 100}", index, new string('x', DocumentBytes - 70));

    private sealed record CompactionDocument(string id, string pk, int n, string padding);
}
