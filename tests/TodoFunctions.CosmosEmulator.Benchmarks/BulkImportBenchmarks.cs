using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator;

/// <summary>
/// Bulk import: documents per second loaded through the SDK's bulk mode (<c>AllowBulkExecution</c>, which sends
/// non-atomic batches per partition key range) against the same documents written as concurrent point creates, in
/// process, in memory and with a data directory.
/// </summary>
internal static class BulkImportBenchmarks
{
    private const int DocumentBytes = 500;
    private const int PartitionKeys = 1000;
    private const int PointCreatesInFlight = 64;
    // The SDK groups whatever is in flight into batches of up to 100 per range, so bulk mode wants many at once.
    private const int BulkCreatesInFlight = 5000;
    private static readonly string Padding = new('x', DocumentBytes - 80);

    public static async Task RunAsync(int documents)
    {
        Console.WriteLine($"Bulk import, in process: {documents:N0} documents of about {DocumentBytes} bytes over {PartitionKeys:N0} partition keys, " +
            $"one range; point creates {PointCreatesInFlight} in flight, bulk mode {BulkCreatesInFlight:N0} in flight (after a warm-up of 5%):");
        foreach (var journaled in new[] { false, true })
        {
            await MeasureAsync(documents, journaled, bulk: false);
            await MeasureAsync(documents, journaled, bulk: true);
        }
    }

    private static async Task MeasureAsync(int documents, bool journaled, bool bulk)
    {
        var dataDirectory = journaled ? Directory.CreateTempSubdirectory("emulator-bulk-import-") : null;
        try
        {
            await using var server = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory?.FullName });
            using var client = new CosmosClient(server.ConnectionString, new CosmosClientOptions
            {
                ConnectionMode = ConnectionMode.Gateway,
                LimitToEndpoint = true,
                AllowBulkExecution = bulk,
            });
            var container = (await (await client.CreateDatabaseAsync("import")).Database.CreateContainerAsync("items", "/pk")).Container;
            var inFlight = bulk ? BulkCreatesInFlight : PointCreatesInFlight;
            var warmUp = documents / 20;
            await ImportAsync(container, 0, warmUp, inFlight);
            var elapsed = Stopwatch.StartNew();
            var charge = await ImportAsync(container, warmUp, documents, inFlight);
            elapsed.Stop();
            Console.WriteLine($"  {(bulk ? "bulk mode" : "point creates"),-13} {(journaled ? "data directory" : "in memory"),-14} " +
                $"{documents / elapsed.Elapsed.TotalSeconds,8:N0} docs/s  {elapsed.Elapsed.TotalSeconds,6:N1} s  {charge / documents,6:N2} modelled RU each");
        }
        finally
        {
            dataDirectory?.Delete(recursive: true);
        }
    }

    // Keeps inFlight creates outstanding until documents numbered first to first + count - 1 are all written.
    private static async Task<double> ImportAsync(Container container, int first, int count, int inFlight)
    {
        var last = new StrongBox<int>(first - 1);
        var writers = Enumerable.Range(0, inFlight).Select(async _ =>
        {
            var charge = 0.0;
            for (var n = Interlocked.Increment(ref last.Value); n < first + count; n = Interlocked.Increment(ref last.Value))
                charge += (await container.CreateItemAsync(Document(n), new PartitionKey(PartitionOf(n)))).RequestCharge;
            return charge;
        });
        return (await Task.WhenAll(writers)).Sum();
    }

    private static JObject Document(int n) => new() { ["id"] = $"doc-{n}", ["pk"] = PartitionOf(n), ["n"] = n, ["payload"] = Padding };

    private static string PartitionOf(int n) => $"tenant-{n % PartitionKeys}";
}
