using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Partitions;

/// <summary>Containers with several partition key ranges: the ranges the SDK reads, where items land, the change feed per range.</summary>
public sealed class PartitionRoutingTests : IAsyncLifetime
{
    private const int RangeCount = 8;

    private PartitionedEmulator emulator = null!;
    private Container container = null!;

    public async Task InitializeAsync()
    {
        emulator = await PartitionedEmulator.StartAsync(new CosmosEmulatorOptions { PartitionKeyRanges = RangeCount });
        var database = (await emulator.Client.CreateDatabaseAsync("routing")).Database;
        container = (await database.CreateContainerAsync("todos", "/pk")).Container;
    }

    public async Task DisposeAsync() => await emulator.DisposeAsync();

    [EmbeddedEmulatorFact]
    public async Task The_feed_ranges_are_the_configured_number_of_ranges_covering_the_key_space_once()
    {
        var ranges = (await container.GetFeedRangesAsync())
            .Select(range => JObject.Parse(range.ToJsonString())["Range"]!)
            .Select(range => (Min: range.Value<string>("min")!, Max: range.Value<string>("max")!))
            .OrderBy(range => range.Min, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(RangeCount, ranges.Count);
        Assert.Equal("", ranges[0].Min);
        Assert.Equal("FF", ranges[^1].Max);
        Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.Equal(pair.First.Max, pair.Second.Min));
    }

    [EmbeddedEmulatorFact]
    public async Task Every_item_is_in_exactly_one_range_and_in_the_range_the_sdk_routes_its_partition_key_to()
    {
        var ids = await WriteAsync(200);

        var perRange = await PartitionedEmulator.IdsPerFeedRangeAsync(container);
        // ReadMany groups the keys by the range the SDK computes for each and queries each range by its id; the
        // emulator answers from that range alone, so an item it placed elsewhere would be missing.
        var found = await container.ReadManyItemsAsync<JObject>([.. ids.Select(id => (id, new PartitionKey(PartitionOf(id))))]);

        Assert.Equal(ids.Order(), perRange.SelectMany(range => range).Order());
        Assert.True(perRange.Count(range => range.Count > 0) > RangeCount / 2, "the items spread over the ranges");
        Assert.Equal(ids.Order(), found.Select(item => item.Value<string>("id")!).Order());
    }

    [EmbeddedEmulatorFact]
    public async Task A_container_with_hash_v1_keys_spreads_its_items_where_the_sdk_looks_for_them()
    {
        var properties = new ContainerProperties("v1", "/pk") { PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V1 };
        container = (await emulator.Client.GetDatabase("routing").CreateContainerAsync(properties)).Container;
        var ids = await WriteAsync(100);

        var perRange = await PartitionedEmulator.IdsPerFeedRangeAsync(container);
        var found = await container.ReadManyItemsAsync<JObject>([.. ids.Select(id => (id, new PartitionKey(PartitionOf(id))))]);

        Assert.True(perRange.Count(range => range.Count > 0) > 1, "the items spread over the ranges");
        Assert.Equal(ids.Order(), found.Select(item => item.Value<string>("id")!).Order());
    }

    [EmbeddedEmulatorFact]
    public async Task The_change_feed_of_each_range_holds_that_ranges_items_and_together_every_item_once()
    {
        var ids = await WriteAsync(100);

        var perRange = await PartitionedEmulator.IdsPerFeedRangeAsync(container);
        var changesPerRange = new List<List<string>>();
        foreach (var range in await container.GetFeedRangesAsync())
        {
            var (changes, _) = await PartitionedEmulator.DrainAsync(container, ChangeFeedStartFrom.Beginning(range), pageSize: 7);
            changesPerRange.Add([.. changes.Select(change => change.Value<string>("id")!)]);
        }

        Assert.Equal(ids.Order(), changesPerRange.SelectMany(range => range).Order());
        Assert.Equal(perRange.Select(range => range.Order()), changesPerRange.Select(range => range.Order()));
    }

    [EmbeddedEmulatorFact]
    public async Task Pkranges_answers_304_while_the_ranges_are_unchanged_and_a_new_etag_after_a_split()
    {
        var path = "/dbs/routing/colls/todos/pkranges";
        using var first = await emulator.SendAsync(HttpMethod.Get, path);
        var etag = first.Headers.ETag!.Tag;
        using var unchanged = await emulator.SendAsync(HttpMethod.Get, path, new Dictionary<string, string> { ["If-None-Match"] = etag });
        var children = emulator.Server.SplitPartitionKeyRange("routing", "todos", "3");
        using var changed = await emulator.SendAsync(HttpMethod.Get, path, new Dictionary<string, string> { ["If-None-Match"] = etag });
        var ranges = (JArray)JObject.Parse(await changed.Content.ReadAsStringAsync())["PartitionKeyRanges"]!;

        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag!.Tag);
        Assert.Equal(RangeCount + 1, ranges.Count);
        Assert.DoesNotContain(ranges, range => range.Value<string>("id") == "3");
        Assert.All(children, child => Assert.Equal(["3"], ranges.Single(range => range.Value<string>("id") == child)["parents"]!.Values<string>()));
    }

    [EmbeddedEmulatorFact]
    public async Task A_write_answers_a_session_token_for_the_range_of_its_partition_key()
    {
        var response = await container.CreateItemAsync(new JObject { ["id"] = "s", ["pk"] = "session" }, new PartitionKey("session"));
        using var query = container.GetItemQueryIterator<JObject>(
            new QueryDefinition("SELECT * FROM c"), requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey("session") });
        var rangeOfItem = (await PartitionedEmulator.IdsPerFeedRangeAsync(container)).FindIndex(range => range.Contains("s"));

        Assert.Matches(@"^\d+:-1#\d+$", response.Headers.Session);
        Assert.Equal(rangeOfItem.ToString(), response.Headers.Session.Split(':')[0]);
    }

    private async Task<List<string>> WriteAsync(int count)
    {
        var ids = Enumerable.Range(0, count).Select(index => $"item-{index:D3}").ToList();
        foreach (var id in ids)
            await container.CreateItemAsync(new JObject { ["id"] = id, ["pk"] = PartitionOf(id) }, new PartitionKey(PartitionOf(id)));
        return ids;
    }

    private static string PartitionOf(string id) => $"tenant-{id}";
}
