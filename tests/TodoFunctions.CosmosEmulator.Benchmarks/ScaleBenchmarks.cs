using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>
/// Figures for issue 16 (local data that scales): for each size of live data, fill a fresh data directory through
/// the SDK against the standalone emulator (bulk mode), stop it, then restart it a few times and measure the start
/// to the first successful SDK call, replay throughput and resident memory, beside the issue's goals.
/// </summary>
internal static class ScaleBenchmarks
{
    private const string SizesVariable = "EMULATOR_SCALE_MB";
    private const string KeptDataVariable = "EMULATOR_SCALE_DATA";
    private const string DefaultSizes = "0,10,100";
    private const long Megabyte = 1_000_000;
    private const int InFlight = 500;
    private const int PointSample = 5_000;
    private const int Restarts = 3;
    private const string DatabaseName = "scale";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(2);

    private readonly record struct Write(int Index, int Revision);

    public static async Task RunAsync()
    {
        var sizes = ParseSizes(Environment.GetEnvironmentVariable(SizesVariable));
        var elapsed = Stopwatch.StartNew();
        var header = new[]
        {
            $"Emulator at scale, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: {Environment.ProcessorCount} cores, {TotalMemory()} RAM, {RuntimeInformation.OSDescription}, " +
            $"{RuntimeInformation.FrameworkDescription}, {Assembly.GetExecutingAssembly().GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration} build, " +
            $"Microsoft.Azure.Cosmos {typeof(CosmosClient).Assembly.GetName().Version}",
            $"Load average at start: {LoadAverage()} (other work on this machine skews every figure)",
            $"Live data: {SizesVariable}={string.Join(',', sizes)} MB (1 MB = 10^6 bytes of the documents' JSON), {ScaleDocuments.Containers.Length} containers, " +
            $"one document in four written {ScaleDocuments.Revisions} times; standalone emulator over HTTPS, stopped with SIGTERM; {InFlight} writes in flight",
        };
        foreach (var line in header)
            Console.WriteLine(line);

        await WarmUpClientAsync();
        var results = new List<(ScaleFill Fill, IReadOnlyList<ScaleRestart> Restarts)>();
        var keptData = Environment.GetEnvironmentVariable(KeptDataVariable);
        foreach (var megabytes in sizes)
        {
            var fill = KeptFill(keptData, megabytes) ?? await FillAsync(megabytes, keptData);
            try
            {
                var restarts = new List<ScaleRestart>();
                for (var run = 1; run <= Restarts; run++)
                    restarts.Add(await RestartAsync(fill, run));
                results.Add((fill, restarts));
            }
            finally
            {
                if (keptData is null)
                    Directory.Delete(fill.Directory, recursive: true);
            }
        }

        Console.WriteLine();
        foreach (var line in header)
            Console.WriteLine(line);
        ScaleTable.Print(results);
        Console.WriteLine($"Load average at the end: {LoadAverage()}; the whole run took {elapsed.Elapsed.TotalMinutes:N1} min.");
    }

    /// <summary>The sizes to measure, in MB of live JSON; 0 is always among them: the empty emulator is the reference for memory.</summary>
    public static int[] ParseSizes(string? setting)
    {
        var parts = (string.IsNullOrWhiteSpace(setting) ? DefaultSizes : setting).Split(',', StringSplitOptions.TrimEntries);
        var sizes = new List<int> { 0 };
        foreach (var part in parts)
            sizes.Add(int.TryParse(part, out var megabytes) && megabytes >= 0
                ? megabytes
                : throw new FormatException($"{SizesVariable} is a comma-separated list of megabytes, e.g. 0,10,100,500; '{part}' is not one."));
        return [.. sizes.Distinct().Order()];
    }

    /// <summary>A directory an earlier run filled and kept under <paramref name="keptData"/>, with that fill's
    /// figures: restarts can be measured again (on a quieter machine, or after a change to replay) without refilling.</summary>
    private static ScaleFill? KeptFill(string? keptData, int megabytes)
    {
        var record = keptData is null ? null : FillRecordPath(KeptDirectory(keptData, megabytes));
        if (record is null || !File.Exists(record))
            return null;
        // Where it is now: the kept folder may have been moved or copied since.
        var fill = JsonSerializer.Deserialize<ScaleFill>(File.ReadAllText(record))! with { Directory = KeptDirectory(keptData!, megabytes) };
        Console.WriteLine($"{megabytes} MB: reusing {fill.Directory}, filled by an earlier run ({fill.Documents:N0} documents; its journal is what starts have left of it)");
        return fill;
    }

    private static string KeptDirectory(string keptData, int megabytes) => Path.Combine(Path.GetFullPath(keptData), $"{megabytes}MB");

    // Beside the data directory, not in it: the emulator owns what is inside.
    private static string FillRecordPath(string directory) => directory + ".fill.json";

    private static async Task<ScaleFill> FillAsync(int megabytes, string? keptData)
    {
        var (documents, jsonBytes) = ScaleDocuments.CountFor(megabytes * Megabyte);
        Console.WriteLine($"{megabytes} MB: filling a fresh data directory with {documents:N0} documents ({jsonBytes / (double)documents:N0} bytes of JSON on average)…");
        var directory = keptData is null ? Directory.CreateTempSubdirectory("emulator-scale-").FullName : FreshDirectory(KeptDirectory(keptData, megabytes));
        using var emulator = StandaloneEmulatorProcess.Start("--port", "0", "--data-dir", directory);
        var connectionString = await emulator.WaitUntilListeningAsync(StartTimeout);
        using var pointClient = CreateClient(connectionString, bulk: false);
        using var bulkClient = CreateClient(connectionString, bulk: true);
        var database = (await pointClient.CreateDatabaseAsync(DatabaseName)).Database;
        foreach (var container in ScaleDocuments.Containers)
            await database.CreateContainerAsync(container, "/pk");

        // Creates first, then the overwrites, so that every document has its history behind it in the journal.
        var writes = Enumerable.Range(0, ScaleDocuments.Revisions)
            .SelectMany(revision => Enumerable.Range(0, documents).Where(index => revision < ScaleDocuments.RevisionsOf(index)).Select(index => new Write(index, revision)))
            .ToList();
        var sample = writes[..Math.Min(PointSample, documents / 10)];
        var pointPerSecond = await WriteAsync(pointClient, sample);
        var imported = writes[sample.Count..];
        var probe = imported[..Math.Min(InFlight, imported.Count)];
        var import = Stopwatch.StartNew();
        var bulkRefused = false;
        try
        {
            await WriteAsync(bulkClient, probe);
        }
        catch (CosmosException refused) when (refused.StatusCode == HttpStatusCode.BadRequest)
        {
            // The emulator before issue 16 answers the SDK's non-atomic batches with 400 and applies none of them.
            bulkRefused = true;
            Console.WriteLine($"  bulk mode refused with 400 ({refused.Message.Split('\n')[0]}); falling back to point writes");
            import.Restart();
        }
        await WriteAsync(bulkRefused ? pointClient : bulkClient, bulkRefused ? imported : imported[probe.Count..]);
        var importPerSecond = imported.Count / import.Elapsed.TotalSeconds;
        Console.WriteLine($"  {writes.Count:N0} writes: {sample.Count:N0} point writes at {pointPerSecond:N0}/s, then {imported.Count:N0} " +
            $"{(bulkRefused ? "point writes" : "through bulk mode")} at {importPerSecond:N0}/s ({InFlight} in flight)");
        await StopAsync(emulator);
        // Rates of a few writes say nothing: only samples of a thousand or more are reported.
        var fill = new ScaleFill(megabytes, directory, documents, jsonBytes,
            sample.Count >= 1000 ? pointPerSecond : null, imported.Count >= 1000 ? importPerSecond : null, bulkRefused);
        if (keptData is not null)
            File.WriteAllText(FillRecordPath(directory), JsonSerializer.Serialize(fill));
        return fill;
    }

    // A directory without its fill record is what an interrupted fill left: it starts again from nothing.
    private static string FreshDirectory(string path)
    {
        if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
        return Directory.CreateDirectory(path).FullName;
    }

    /// <summary>Makes the SDK calls of a start measurement once, against an emulator in this process: the first call
    /// compiles the client's own code, which cost the first start measured 0.4-0.6 s that the emulator had no part in.</summary>
    private static async Task WarmUpClientAsync()
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { UseHttps = true });
        using var client = CreateClient(emulator.ConnectionString, bulk: false);
        var database = (await client.CreateDatabaseAsync(DatabaseName)).Database;
        var container = (await database.CreateContainerAsync(ScaleDocuments.ContainerOf(0), "/pk")).Container;
        var partitionKey = new PartitionKey(ScaleDocuments.PartitionOf(0));
        await container.CreateItemAsync(ScaleDocuments.Document(0, 0), partitionKey);
        await container.ReadItemAsync<JObject>(ScaleDocuments.IdOf(0), partitionKey);
        using var query = container.GetItemQueryIterator<long>("SELECT VALUE COUNT(1) FROM c WHERE c.owner.team != ''");
        while (query.HasMoreResults)
            await query.ReadNextAsync();
    }

    private static async Task<ScaleRestart> RestartAsync(ScaleFill fill, int run)
    {
        var diskBytes = new DirectoryInfo(fill.Directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length);
        var sinceSpawn = Stopwatch.StartNew();
        using var emulator = StandaloneEmulatorProcess.Start("--port", "0", "--data-dir", fill.Directory);
        var connectionString = await emulator.WaitUntilListeningAsync(StartTimeout);
        using var client = CreateClient(connectionString, bulk: false);
        await client.GetContainer(DatabaseName, ScaleDocuments.ContainerOf(0))
            .ReadItemAsync<JObject>(ScaleDocuments.IdOf(0), new PartitionKey(ScaleDocuments.PartitionOf(0)));
        var start = sinceSpawn.Elapsed;
        var rssAfterStart = LinuxProcess.ResidentBytes(emulator.ProcessId);

        // A filter on a nested property of every document: the scan also proves that every document came back.
        var scan = Stopwatch.StartNew();
        var counted = 0L;
        foreach (var container in ScaleDocuments.Containers)
        {
            using var query = client.GetContainer(DatabaseName, container).GetItemQueryIterator<long>("SELECT VALUE COUNT(1) FROM c WHERE c.owner.team != ''");
            while (query.HasMoreResults)
                counted += (await query.ReadNextAsync()).Sum();
        }
        scan.Stop();
        if (counted != fill.Documents)
            throw new InvalidOperationException($"After restart {run} the emulator holds {counted} documents, not {fill.Documents}:\n{emulator.Output}");
        var rssAfterScan = LinuxProcess.ResidentBytes(emulator.ProcessId);
        await StopAsync(emulator);
        Console.WriteLine($"  restart {run}: {diskBytes / (double)Megabyte:N1} MB on disk, first SDK call after {start.TotalSeconds:N2} s, " +
            $"RSS {rssAfterStart / (double)Megabyte:N0} MB, {rssAfterScan / (double)Megabyte:N0} MB after a {scan.Elapsed.TotalSeconds:N2} s full scan");
        return new ScaleRestart(run, diskBytes, start, rssAfterStart, rssAfterScan, scan.Elapsed);
    }

    private static async Task<double> WriteAsync(CosmosClient client, IReadOnlyList<Write> writes)
    {
        var options = new ItemRequestOptions { EnableContentResponseOnWrite = false };
        var elapsed = Stopwatch.StartNew();
        // One revision round at a time: in flight together, a document's create and its overwrite could land in either order.
        foreach (var round in writes.GroupBy(write => write.Revision))
            await Parallel.ForEachAsync(round, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (write, cancellation) =>
            {
                var container = client.GetContainer(DatabaseName, ScaleDocuments.ContainerOf(write.Index));
                var document = ScaleDocuments.Document(write.Index, write.Revision);
                var partitionKey = new PartitionKey(ScaleDocuments.PartitionOf(write.Index));
                if (write.Revision == 0)
                    await container.CreateItemAsync(document, partitionKey, options, cancellation);
                else
                    await container.UpsertItemAsync(document, partitionKey, options, cancellation);
            });
        return writes.Count / elapsed.Elapsed.TotalSeconds;
    }

    private static async Task StopAsync(StandaloneEmulatorProcess emulator)
    {
        LinuxProcess.Terminate(emulator.ProcessId);
        var exitCode = await emulator.WaitForExitAsync(StopTimeout);
        if (exitCode != 0)
            throw new InvalidOperationException($"The emulator stopped with exit code {exitCode}:\n{emulator.Output}");
    }

    private static CosmosClient CreateClient(string connectionString, bool bulk) =>
        new(connectionString, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            AllowBulkExecution = bulk,
            ServerCertificateCustomValidationCallback = (_, _, _) => true,
        });

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    private static string TotalMemory() =>
        File.ReadLines("/proc/meminfo").FirstOrDefault(line => line.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
            ? $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024 / 1024.0:N0} GiB"
            : "unknown";
}
