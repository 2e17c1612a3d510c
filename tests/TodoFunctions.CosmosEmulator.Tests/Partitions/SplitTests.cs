using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Partitions;

/// <summary>Splitting a partition key range while the SDK reads and writes: nothing lost, the parent gone, continuations carried over.</summary>
public sealed class SplitTests : IAsyncLifetime
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"emulator-split-{Guid.NewGuid():N}");
    private PartitionedEmulator emulator = null!;
    private Container container = null!;

    public async Task InitializeAsync()
    {
        emulator = await PartitionedEmulator.StartAsync(new CosmosEmulatorOptions { PartitionKeyRanges = 2, DataDirectory = dataDirectory });
        var database = (await emulator.Client.CreateDatabaseAsync("splits")).Database;
        container = (await database.CreateContainerAsync("todos", "/pk")).Container;
    }

    public async Task DisposeAsync()
    {
        await emulator.DisposeAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }

    [EmbeddedEmulatorFact]
    public async Task A_split_while_writes_flow_loses_no_item_from_reads_queries_or_the_change_feed()
    {
        using var stop = new CancellationTokenSource();
        var writer = WriteUntilStoppedAsync("flowing", stop.Token);
        await Task.Delay(300);
        var children = emulator.Server.SplitPartitionKeyRange("splits", "todos", "0");
        await Task.Delay(300);
        emulator.Server.SplitPartitionKeyRange("splits", "todos", children[1]);
        await Task.Delay(300);
        await stop.CancelAsync();
        var written = await writer;

        var queried = (await PartitionedEmulator.IdsPerFeedRangeAsync(container)).SelectMany(range => range).ToList();
        var changed = (await PartitionedEmulator.ChangesPerFeedRangeAsync(container, pageSize: 9)).Select(change => change.Value<string>("id")!).ToList();
        var read = await container.ReadManyItemsAsync<JObject>([.. written.Select(id => (id, new PartitionKey(PartitionOf(id))))]);

        Assert.Equal(4, (await container.GetFeedRangesAsync()).Count);
        Assert.True(written.Count > 20, $"writes flowed during the splits ({written.Count})");
        Assert.Equal(written.Order(), queried.Order());
        Assert.Equal(written.Order(), changed.Order());
        Assert.Equal(written.Order(), read.Select(item => item.Value<string>("id")!).Order());
    }

    [EmbeddedEmulatorFact]
    public async Task After_a_split_change_feed_and_read_feed_requests_to_the_parent_answer_410_with_sub_status_1002()
    {
        emulator.Server.SplitPartitionKeyRange("splits", "todos", "1");
        var toParent = new Dictionary<string, string> { ["x-ms-documentdb-partitionkeyrangeid"] = "1", ["A-IM"] = "Incremental Feed" };

        using var changeFeed = await emulator.SendAsync(HttpMethod.Get, "/dbs/splits/colls/todos/docs", toParent);
        using var readFeed = await emulator.SendAsync(HttpMethod.Get, "/dbs/splits/colls/todos/docs",
            new Dictionary<string, string> { ["x-ms-documentdb-partitionkeyrangeid"] = "1" });
        using var toChild = await emulator.SendAsync(HttpMethod.Get, "/dbs/splits/colls/todos/docs",
            new Dictionary<string, string> { ["x-ms-documentdb-partitionkeyrangeid"] = "2", ["A-IM"] = "Incremental Feed" });

        Assert.Equal(HttpStatusCode.Gone, changeFeed.StatusCode);
        Assert.Equal("1002", changeFeed.Headers.GetValues("x-ms-substatus").Single());
        Assert.Equal(HttpStatusCode.Gone, readFeed.StatusCode);
        Assert.NotEqual(HttpStatusCode.Gone, toChild.StatusCode);
    }

    [EmbeddedEmulatorFact]
    public async Task A_change_feed_continuation_taken_before_a_split_continues_on_the_children_without_loss_or_repeat()
    {
        var before = await WriteAsync("before", 40);
        var (first, continuation) = await PartitionedEmulator.DrainAsync(container, ChangeFeedStartFrom.Beginning(), pageSize: 10);
        emulator.Server.SplitPartitionKeyRange("splits", "todos", "0");
        emulator.Server.SplitPartitionKeyRange("splits", "todos", "1");
        var after = await WriteAsync("after", 40);

        var (resumed, _) = await PartitionedEmulator.DrainAsync(container, ChangeFeedStartFrom.ContinuationToken(continuation), pageSize: 10);

        Assert.Equal(before.Order(), first.Select(change => change.Value<string>("id")!).Order());
        Assert.Equal(after.Order(), resumed.Select(change => change.Value<string>("id")!).Order());
    }

    [EmbeddedEmulatorFact]
    public async Task A_change_feed_read_of_part_of_a_range_returns_only_the_items_whose_keys_lie_in_that_part()
    {
        var twin = (await emulator.Client.GetDatabase("splits").CreateContainerAsync("twin", "/pk")).Container;
        var written = await WriteAsync("part", 40);
        foreach (var id in written)
            await twin.CreateItemAsync(new JObject { ["id"] = id, ["pk"] = PartitionOf(id) }, new PartitionKey(PartitionOf(id)));
        // Splitting the twin's range 1 gives a part of the key space whose items are known: same keys, same hashes.
        var children = emulator.Server.SplitPartitionKeyRange("splits", "twin", "1");
        var part = (await emulator.PartitionKeyRangesAsync("splits", "twin")).Single(range => range.Value<string>("id") == children[0]);
        var expected = await PartitionedEmulator.IdsInAsync(twin, PartitionedEmulator.FeedRangeOf(part));

        var wholeRange = await ChangeFeedIdsAsync(new Dictionary<string, string> { ["x-ms-documentdb-partitionkeyrangeid"] = "1" });
        var partOfRange = await ChangeFeedIdsAsync(new Dictionary<string, string>
        {
            ["x-ms-documentdb-partitionkeyrangeid"] = "1",
            ["x-ms-start-epk"] = part.Value<string>("minInclusive")!,
            ["x-ms-end-epk"] = part.Value<string>("maxExclusive")!,
        });

        Assert.NotEmpty(expected);
        Assert.True(wholeRange.Count > expected.Count, "the part is smaller than the range");
        Assert.Equal(expected.Order(), partOfRange.Order());
    }

    [EmbeddedEmulatorFact]
    public async Task The_split_endpoint_splits_a_range_for_a_caller_with_the_account_key_and_refuses_others()
    {
        var otherKey = Convert.ToBase64String(new byte[64]);
        using var refused = await emulator.ControlAsync(HttpMethod.Post, "/_emulator/dbs/splits/colls/todos/pkranges/0/split", key: otherKey);
        using var split = await emulator.ControlAsync(HttpMethod.Post, "/_emulator/dbs/splits/colls/todos/pkranges/0/split");
        var answer = JObject.Parse(await split.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, split.StatusCode);
        Assert.Equal(["2", "3"], answer["children"]!.Select(child => child.Value<string>("id")));
        Assert.Equal(3, (await container.GetFeedRangesAsync()).Count);
    }

    [EmbeddedEmulatorFact]
    public async Task Ranges_and_splits_survive_a_restart_on_the_data_directory()
    {
        var written = await WriteAsync("kept", 30);
        emulator.Server.SplitPartitionKeyRange("splits", "todos", "0");
        var rangesBefore = await RangesAsync(container);
        var perRangeBefore = await PartitionedEmulator.IdsPerFeedRangeAsync(container);
        await emulator.DisposeAsync();

        emulator = await PartitionedEmulator.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory });
        container = emulator.Client.GetContainer("splits", "todos");
        using var toParent = await emulator.SendAsync(HttpMethod.Get, "/dbs/splits/colls/todos/docs",
            new Dictionary<string, string> { ["x-ms-documentdb-partitionkeyrangeid"] = "0", ["A-IM"] = "Incremental Feed" });

        Assert.Equal(rangesBefore, await RangesAsync(container));
        Assert.Equal(perRangeBefore, await PartitionedEmulator.IdsPerFeedRangeAsync(container));
        Assert.Equal(written.Order(), perRangeBefore.SelectMany(range => range).Order());
        Assert.Equal(HttpStatusCode.Gone, toParent.StatusCode);
    }

    private async Task<List<string>> ChangeFeedIdsAsync(Dictionary<string, string> headers)
    {
        headers["A-IM"] = "Incremental Feed";
        using var response = await emulator.SendAsync(HttpMethod.Get, "/dbs/splits/colls/todos/docs", headers);
        return [.. JObject.Parse(await response.Content.ReadAsStringAsync())["Documents"]!.Select(item => item.Value<string>("id")!)];
    }

    private static async Task<List<string>> RangesAsync(Container container) =>
        [.. (await container.GetFeedRangesAsync()).Select(range => range.ToJsonString()).Order(StringComparer.Ordinal)];

    private async Task<List<string>> WriteAsync(string prefix, int count)
    {
        var ids = Enumerable.Range(0, count).Select(index => $"{prefix}-{index:D3}").ToList();
        foreach (var id in ids)
            await container.CreateItemAsync(new JObject { ["id"] = id, ["pk"] = PartitionOf(id) }, new PartitionKey(PartitionOf(id)));
        return ids;
    }

    /// <summary>Writes one item after another until stopped; returns the ids whose write was acknowledged.</summary>
    private async Task<List<string>> WriteUntilStoppedAsync(string prefix, CancellationToken stop)
    {
        var written = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            var id = $"{prefix}-{written.Count:D4}";
            await container.CreateItemAsync(new JObject { ["id"] = id, ["pk"] = PartitionOf(id) }, new PartitionKey(PartitionOf(id)));
            written.Add(id);
        }
        return written;
    }

    private static string PartitionOf(string id) => $"tenant-{id}";
}
