using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

/// <summary>Time to live: a container's default and an item's own <c>ttl</c> make items disappear.</summary>
public sealed class TimeToLiveConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private static readonly PartitionKey Partition = new("p");

    private CosmosClient client = null!;
    private Database database = null!;

    public async Task InitializeAsync()
    {
        client = endpoint.CreateClient();
        database = (await client.CreateDatabaseAsync(endpoint.UniqueName("ttl"))).Database;
    }

    public async Task DisposeAsync() => await database.DeleteAsync();

    [Fact]
    public async Task An_item_expires_after_the_container_default_ttl_and_vanishes_from_reads_queries_and_the_change_feed()
    {
        var container = await NewContainerAsync(defaultTtl: 1);
        await container.CreateItemAsync(Item("short"), Partition);

        await WaitUntilGoneAsync(container, "short");

        Assert.Empty(await QueryIdsAsync(container));
        Assert.Empty(await ChangeFeedIdsAsync(container));
    }

    [Fact]
    public async Task An_item_ttl_overrides_the_container_default_and_minus_one_keeps_an_item_forever()
    {
        var container = await NewContainerAsync(defaultTtl: 3600);
        await container.CreateItemAsync(Item("own-ttl", ttl: 1), Partition);
        await container.CreateItemAsync(Item("forever", ttl: -1), Partition);

        await WaitUntilGoneAsync(container, "own-ttl");

        Assert.Equal(["forever"], await QueryIdsAsync(container));
    }

    [Fact]
    public async Task Without_a_container_ttl_an_item_ttl_is_ignored()
    {
        var container = await NewContainerAsync(defaultTtl: null);
        await container.CreateItemAsync(Item("ignored", ttl: 1), Partition);
        await container.CreateItemAsync(Item("marker", ttl: 1), Partition);
        var expiring = await NewContainerAsync(defaultTtl: -1);
        await expiring.CreateItemAsync(Item("marker", ttl: 1), Partition);

        await WaitUntilGoneAsync(expiring, "marker");

        Assert.Equal(["ignored", "marker"], (await QueryIdsAsync(container)).Order());
    }

    [Fact]
    public async Task An_expired_id_can_be_created_again()
    {
        var container = await NewContainerAsync(defaultTtl: 1);
        await container.CreateItemAsync(Item("reborn"), Partition);
        await WaitUntilGoneAsync(container, "reborn");

        var created = await container.CreateItemAsync(Item("reborn"), Partition);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private async Task<Container> NewContainerAsync(int? defaultTtl) =>
        (await database.CreateContainerAsync(new ContainerProperties(endpoint.UniqueName("items"), "/pk") { DefaultTimeToLive = defaultTtl })).Container;

    private static JObject Item(string id, int? ttl = null)
    {
        var item = new JObject { ["id"] = id, ["pk"] = "p" };
        if (ttl is not null)
            item["ttl"] = ttl;
        return item;
    }

    // Expiry is checked by polling: the real service purges in the background, so no exact moment can be asserted.
    private static async Task WaitUntilGoneAsync(Container container, string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var read = await container.ReadItemStreamAsync(id, Partition, cancellationToken: timeout.Token);
            if (read.StatusCode == HttpStatusCode.NotFound)
                return;
            await Task.Delay(200, timeout.Token);
        }
    }

    private static async Task<List<string>> QueryIdsAsync(Container container)
    {
        var ids = new List<string>();
        using var iterator = container.GetItemQueryIterator<string>("SELECT VALUE c.id FROM c");
        while (iterator.HasMoreResults)
            ids.AddRange(await iterator.ReadNextAsync());
        return ids;
    }

    private static async Task<List<string>> ChangeFeedIdsAsync(Container container)
    {
        using var iterator = container.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion);
        var page = await iterator.ReadNextAsync();
        return page.StatusCode == HttpStatusCode.NotModified ? [] : [.. page.Select(change => change.Value<string>("id")!)];
    }
}
