using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Partitions;

/// <summary>Where the pieces of the emulator meet (ranges, query plans, continuations, partition key values): each test
/// pins a defect a review found.</summary>
public sealed class SeamTests
{
    private static async Task<List<T>> DrainAsync<T>(FeedIterator<T> iterator)
    {
        var results = new List<T>();
        while (iterator.HasMoreResults)
            results.AddRange(await iterator.ReadNextAsync());
        return results;
    }

    /// <summary>A query that cannot run per range (ORDER BY, aggregates) gets a plan confined to the first range and
    /// is evaluated over the whole container there. Scoped by the caller to a feed range that does not start the key
    /// space, it sees only that range. (One that starts the key space cannot be told apart from the plan's own
    /// request, so it sees the whole container: the documented limit of pass-through plans.)</summary>
    [EmbeddedEmulatorFact]
    public async Task Order_by_and_count_scoped_to_a_feed_range_after_the_first_see_only_that_range()
    {
        await using var emulator = await PartitionedEmulator.StartAsync(new CosmosEmulatorOptions { PartitionKeyRanges = 4 });
        var database = (await emulator.Client.CreateDatabaseAsync("seams")).Database;
        var container = (await database.CreateContainerAsync("items", "/pk")).Container;
        var ids = Enumerable.Range(0, 40).Select(index => $"item-{index:D2}").ToList();
        foreach (var id in ids)
            await container.CreateItemAsync(new JObject { ["id"] = id, ["pk"] = id }, new PartitionKey(id));

        foreach (var range in (await container.GetFeedRangesAsync()).Skip(1))
        {
            var inRange = await PartitionedEmulator.IdsInAsync(container, range);
            var ordered = await DrainAsync(container.GetItemQueryIterator<string>(range, new QueryDefinition("SELECT VALUE c.id FROM c ORDER BY c.id")));
            var counted = (await DrainAsync(container.GetItemQueryIterator<int>(range, new QueryDefinition("SELECT VALUE COUNT(1) FROM c")))).Sum();

            Assert.NotEmpty(inRange);
            Assert.Equal(inRange.Order(StringComparer.Ordinal), ordered);
            Assert.Equal(inRange.Count, counted);
        }
    }

    /// <summary>A split while an ORDER BY query is paged: the SDK hands the first range's continuation to both
    /// children, and each child evaluates the whole container, so every later item comes back twice.
    /// (The same test with an unordered, per-range query passes.)</summary>
    [EmbeddedEmulatorFact]
    public Task A_split_between_pages_of_an_order_by_query_neither_repeats_nor_skips_an_item() =>
        SplitBetweenPagesAsync("SELECT VALUE c.id FROM c ORDER BY c.id");

    private static async Task SplitBetweenPagesAsync(string query)
    {
        await using var emulator = await PartitionedEmulator.StartAsync(new CosmosEmulatorOptions { PartitionKeyRanges = 2 });
        var database = (await emulator.Client.CreateDatabaseAsync("splitpaging")).Database;
        var container = (await database.CreateContainerAsync("items", "/pk")).Container;
        var ids = Enumerable.Range(0, 40).Select(index => $"item-{index:D2}").ToList();
        foreach (var id in ids)
            await container.CreateItemAsync(new JObject { ["id"] = id, ["pk"] = id }, new PartitionKey(id));

        using var iterator = container.GetItemQueryIterator<string>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 5 });
        var seen = new List<string>(await iterator.ReadNextAsync());
        emulator.Server.SplitPartitionKeyRange("splitpaging", "items", "0");
        emulator.Server.SplitPartitionKeyRange("splitpaging", "items", "1");
        while (iterator.HasMoreResults)
            seen.AddRange(await iterator.ReadNextAsync());

        Assert.Equal(ids, seen.Order());
    }

    /// <summary>A partition key value that is an object is no value Azure accepts; the emulator stores the item and
    /// then fails computing its effective partition key for the session token and for every per-range query.</summary>
    [EmbeddedEmulatorFact]
    public async Task An_item_whose_partition_key_value_is_an_object_is_refused_with_400_not_500()
    {
        await using var emulator = await PartitionedEmulator.StartAsync(new CosmosEmulatorOptions());
        var database = (await emulator.Client.CreateDatabaseAsync("objectkey")).Database;
        var container = (await database.CreateContainerAsync("items", "/pk")).Container;

        // The SDK refuses such a value itself; another client (or REST) sends it in the header.
        var options = new ItemRequestOptions { AddRequestHeaders = headers => headers["x-ms-documentdb-partitionkey"] = """[{"a":1}]""" };
        using var create = await container.CreateItemStreamAsync(
            new MemoryStream("""{"id":"odd","pk":{"a":1}}"""u8.ToArray()), new PartitionKey("ignored"), options);
        using var query = await container.GetItemQueryStreamIterator("SELECT * FROM c").ReadNextAsync();

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.OK), (create.StatusCode, query.StatusCode));
    }

    /// <summary>DISTINCT keeps every value returned so far in the continuation, which the SDK sends back as a request
    /// header: past ~1,300 values it exceeds Kestrel's 32 KB header limit.</summary>
    [EmbeddedEmulatorFact]
    public async Task A_distinct_query_over_many_values_can_be_paged_to_the_end()
    {
        await using var emulator = await PartitionedEmulator.StartAsync(new CosmosEmulatorOptions());
        var database = (await emulator.Client.CreateDatabaseAsync("distinct")).Database;
        var container = (await database.CreateContainerAsync("items", "/pk")).Container;
        for (var partition = 0; partition < 20; partition++)
        {
            var batch = container.CreateTransactionalBatch(new PartitionKey($"p{partition}"));
            for (var index = 0; index < 100; index++)
                batch.CreateItem(new JObject { ["id"] = $"i{index}", ["pk"] = $"p{partition}", ["v"] = partition * 100 + index });
            using var response = await batch.ExecuteAsync();
            Assert.True(response.IsSuccessStatusCode);
        }

        var values = await DrainAsync(container.GetItemQueryIterator<int>("SELECT DISTINCT VALUE c.v FROM c", requestOptions: new QueryRequestOptions { MaxItemCount = 100 }));

        Assert.Equal(2000, values.Count);
    }
}
