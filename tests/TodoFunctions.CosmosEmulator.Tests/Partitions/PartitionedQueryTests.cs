using Microsoft.Azure.Cosmos;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Partitions;

/// <summary>Every supported query construct answers the same over eight partition key ranges as over one, paged or not.</summary>
public sealed class PartitionedQueryTests : IAsyncLifetime
{
    private const int ItemCount = 60;

    // Sorting keys are unique (value) or end in one, so the expected order is fully determined.
    private static readonly string[] OrderedQueries =
    [
        "SELECT c.id, c.value FROM c ORDER BY c.value",
        "SELECT c.id FROM c WHERE c.value >= 20 ORDER BY c.value DESC",
        "SELECT c.id FROM c ORDER BY c.category, c.value",
        "SELECT c.id FROM c ORDER BY c.category DESC, c.value DESC",
        "SELECT TOP 7 c.id FROM c ORDER BY c.value",
        "SELECT c.id FROM c ORDER BY c.value OFFSET 5 LIMIT 10",
        "SELECT VALUE COUNT(1) FROM c",
        "SELECT VALUE SUM(c.value) FROM c",
        "SELECT VALUE MIN(c.value) FROM c WHERE c.category = 'cat2'",
        "SELECT VALUE MAX(c.value) FROM c",
        "SELECT VALUE AVG(c.value) FROM c",
        "SELECT COUNT(1) AS items, SUM(c.value) AS total FROM c WHERE c.category = 'cat1'",
    ];

    private static readonly string[] UnorderedQueries =
    [
        "SELECT * FROM c",
        "SELECT c.id, c.category FROM c WHERE c.value > 10 AND c.category != 'cat3'",
        "SELECT VALUE c.value FROM c WHERE c.value < 0",
        "SELECT DISTINCT c.category FROM c",
        "SELECT DISTINCT VALUE c.category FROM c WHERE c.value > 30",
    ];

    private PartitionedEmulator emulator = null!;
    private Container oneRange = null!;
    private Container eightRanges = null!;

    public async Task InitializeAsync()
    {
        emulator = await PartitionedEmulator.StartAsync(new CosmosEmulatorOptions
        {
            PartitionKeyRangesByContainer = new Dictionary<string, int> { ["eight"] = 8 },
        });
        var database = (await emulator.Client.CreateDatabaseAsync("queries")).Database;
        oneRange = await CreateAsync(database, "one");
        eightRanges = await CreateAsync(database, "eight");
        Assert.Single(await oneRange.GetFeedRangesAsync());
        Assert.Equal(8, (await eightRanges.GetFeedRangesAsync()).Count);
    }

    public async Task DisposeAsync() => await emulator.DisposeAsync();

    [EmbeddedEmulatorFact]
    public async Task Ordered_paged_and_aggregate_queries_answer_the_same_in_the_same_order_over_one_and_eight_ranges()
    {
        foreach (var query in OrderedQueries)
        {
            foreach (var pageSize in new int?[] { null, 3 })
            {
                var expected = await RunAsync(oneRange, query, pageSize);
                var actual = await RunAsync(eightRanges, query, pageSize);
                Assert.True(expected.Count > 0, $"{query} finds something");
                Assert.True(expected.SequenceEqual(actual), $"{query} (page size {pageSize}): one range {string.Join(",", expected)}; eight {string.Join(",", actual)}");
            }
        }
    }

    [EmbeddedEmulatorFact]
    public async Task Filters_projections_and_distinct_answer_the_same_items_over_one_and_eight_ranges()
    {
        foreach (var query in UnorderedQueries)
        {
            foreach (var pageSize in new int?[] { null, 3 })
            {
                var expected = (await RunAsync(oneRange, query, pageSize)).Order(StringComparer.Ordinal).ToList();
                var actual = (await RunAsync(eightRanges, query, pageSize)).Order(StringComparer.Ordinal).ToList();
                Assert.True(expected.SequenceEqual(actual), $"{query} (page size {pageSize}): one range {string.Join(",", expected)}; eight {string.Join(",", actual)}");
            }
        }
    }

    private static async Task<Container> CreateAsync(Database database, string id)
    {
        var properties = new ContainerProperties(id, "/pk");
        properties.IndexingPolicy.CompositeIndexes.Add(
        [
            new CompositePath { Path = "/category", Order = CompositePathSortOrder.Ascending },
            new CompositePath { Path = "/value", Order = CompositePathSortOrder.Ascending },
        ]);
        var container = (await database.CreateContainerAsync(properties)).Container;
        for (var index = 0; index < ItemCount; index++)
        {
            var item = new JObject { ["id"] = $"item-{index:D2}", ["pk"] = $"tenant-{index % 13}", ["category"] = $"cat{index % 4}", ["value"] = (index * 37) % ItemCount };
            await container.CreateItemAsync(item, new PartitionKey(item.Value<string>("pk")));
        }
        return container;
    }

    /// <summary>Each result as compact JSON, without the system properties that differ between containers.</summary>
    private static async Task<List<string>> RunAsync(Container container, string query, int? pageSize)
    {
        var results = new List<string>();
        using var iterator = container.GetItemQueryIterator<JToken>(query, requestOptions: new QueryRequestOptions { MaxItemCount = pageSize });
        while (iterator.HasMoreResults)
        {
            foreach (var result in await iterator.ReadNextAsync())
            {
                if (result is JObject item)
                    foreach (var system in item.Properties().Where(property => property.Name.StartsWith('_')).ToList())
                        system.Remove();
                results.Add(result.ToString(Formatting.None));
            }
        }
        return results;
    }
}
