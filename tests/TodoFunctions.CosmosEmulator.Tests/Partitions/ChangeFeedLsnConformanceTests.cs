using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Partitions;

/// <summary>The LSN as the change feed shows it: on every item, one per transactional batch, a batch never split across pages.</summary>
public sealed class ChangeFeedLsnConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private Database database = null!;
    private Container container = null!;

    public async Task InitializeAsync()
    {
        database = (await endpoint.CreateClient().CreateDatabaseAsync(endpoint.UniqueName("lsn"))).Database;
        container = (await database.CreateContainerAsync("todos", "/pk")).Container;
    }

    public async Task DisposeAsync() => await database.DeleteAsync();

    [Fact]
    public async Task Items_carry_an_lsn_that_grows_with_every_write()
    {
        var first = await container.CreateItemAsync(new JObject { ["id"] = "a", ["pk"] = "p" }, new PartitionKey("p"));
        var second = await container.UpsertItemAsync(new JObject { ["id"] = "a", ["pk"] = "p", ["title"] = "changed" }, new PartitionKey("p"));

        Assert.True(first.Resource.Value<long>("_lsn") > 0);
        Assert.True(second.Resource.Value<long>("_lsn") > first.Resource.Value<long>("_lsn"));
    }

    [Fact]
    public async Task All_operations_of_a_transactional_batch_share_one_lsn_and_one_change_feed_page()
    {
        await container.CreateItemAsync(new JObject { ["id"] = "before", ["pk"] = "p" }, new PartitionKey("p"));
        var batch = container.CreateTransactionalBatch(new PartitionKey("p"));
        foreach (var index in Enumerable.Range(0, 5))
            batch.CreateItem(new JObject { ["id"] = $"batched-{index}", ["pk"] = "p" });
        using (var response = await batch.ExecuteAsync())
            Assert.True(response.IsSuccessStatusCode, $"batch answered {response.StatusCode}");
        await container.CreateItemAsync(new JObject { ["id"] = "after", ["pk"] = "p" }, new PartitionKey("p"));

        var pages = new List<List<JObject>>();
        using var feed = container.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion,
            new ChangeFeedRequestOptions { PageSizeHint = 2 });
        while (true)
        {
            var page = await feed.ReadNextAsync();
            if (page.StatusCode == System.Net.HttpStatusCode.NotModified)
                break;
            pages.Add([.. page]);
        }

        var batched = pages.SelectMany(page => page).Where(change => change.Value<string>("id")!.StartsWith("batched")).ToList();
        Assert.Equal(5, batched.Count);
        Assert.Single(batched.Select(change => change.Value<long>("_lsn")).Distinct());
        Assert.Single(pages, page => page.Any(change => change.Value<string>("id")!.StartsWith("batched")));
        Assert.Equal(["before", "batched-0", "batched-1", "batched-2", "batched-3", "batched-4", "after"],
            pages.SelectMany(page => page).Select(change => change.Value<string>("id")));
    }
}
