using System.Diagnostics;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator;

/// <summary>
/// Figures for ORDER BY pages: the latency and modelled RU of the first and the fifth page of 50 of the app's list
/// query, cross-partition, at 1k and at 20k items. Served from the ordered index, both should stay flat.
/// </summary>
internal static class OrderedPageBenchmarks
{
    private const int PageSize = 50;
    private const int Walks = 40;
    private const int Partitions = 100;
    private const string ListQuery = "SELECT * FROM c WHERE c.deleted = false AND c.version > 0 ORDER BY c.listPosition";

    public static async Task RunAsync()
    {
        Console.WriteLine($"ORDER BY pages of {PageSize} (\"{ListQuery}\"), cross-partition, in process, median of {Walks} walks:");
        foreach (var items in new[] { 1000, 20000 })
            await MeasureAsync(items);
    }

    private static async Task MeasureAsync(int items)
    {
        await using var server = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions());
        using var client = new CosmosClient(server.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });
        var container = (await (await client.CreateDatabaseAsync("pages")).Database.CreateContainerAsync("read", "/pk")).Container;
        await FillAsync(container, items);
        await WalkAsync(container);
        var walks = new List<(double Milliseconds, double Charge)[]>();
        for (var walk = 0; walk < Walks; walk++)
            walks.Add(await WalkAsync(container));
        foreach (var page in new[] { 0, 4 })
        {
            var latencies = walks.Select(walk => walk[page].Milliseconds).Order().ToList();
            Console.WriteLine($"  {items,6:N0} items, page {page + 1}: {latencies[latencies.Count / 2],7:N2} ms median, " +
                $"{walks[0][page].Charge,7:N2} modelled RU");
        }
    }

    /// <summary>Items as the app's read model holds them, one in twenty a tombstone (sorted after every live item).</summary>
    private static async Task FillAsync(Container container, int items)
    {
        for (var partition = 0; partition < Partitions; partition++)
        {
            foreach (var chunk in Enumerable.Range(0, items).Where(index => index % Partitions == partition).Chunk(100))
            {
                var batch = container.CreateTransactionalBatch(new PartitionKey($"p{partition}"));
                foreach (var index in chunk)
                {
                    var deleted = index % 20 == 0;
                    batch.CreateItem(new JObject
                    {
                        ["id"] = $"todo-{index:D6}", ["pk"] = $"p{partition}", ["title"] = $"todo {index}", ["deleted"] = deleted, ["version"] = 1,
                        ["listPosition"] = (deleted ? "~" : "") + $"{index:D6}",
                    });
                }
                using var response = await batch.ExecuteAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"batch answered {response.StatusCode}");
            }
        }
    }

    private static async Task<(double Milliseconds, double Charge)[]> WalkAsync(Container container)
    {
        var pages = new (double, double)[5];
        using var iterator = container.GetItemQueryIterator<JObject>(ListQuery, requestOptions: new QueryRequestOptions { MaxItemCount = PageSize });
        for (var page = 0; page < pages.Length; page++)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await iterator.ReadNextAsync();
            pages[page] = (Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.RequestCharge);
        }
        return pages;
    }
}
