using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

/// <summary>The latest-version change feed through the SDK's pull-model iterator.</summary>
public sealed class ChangeFeedConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private CosmosClient client = null!;
    private Database database = null!;

    public async Task InitializeAsync()
    {
        client = endpoint.CreateClient();
        database = (await client.CreateDatabaseAsync(endpoint.UniqueName("feed"))).Database;
    }

    public async Task DisposeAsync() => await database.DeleteAsync();

    [Fact]
    public async Task From_the_beginning_every_item_appears_once_in_its_latest_version_in_write_order_per_partition()
    {
        var container = await NewContainerAsync();
        await WriteAsync(container, "a1", "a", 1);
        await WriteAsync(container, "b1", "b", 1);
        await WriteAsync(container, "a2", "a", 1);
        await WriteAsync(container, "a1", "a", 2);
        await WriteAsync(container, "gone", "b", 1);
        await container.DeleteItemAsync<JObject>("gone", new PartitionKey("b"));

        var changes = await DrainAsync(container.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion));

        Assert.Equal(["b1", "a2", "a1"], changes.Select(change => change.Value<string>("id")));
        Assert.Equal(2, changes.Single(change => change.Value<string>("id") == "a1").Value<int>("version"));
        Assert.Equal(["a2", "a1"], changes.Where(change => change.Value<string>("pk") == "a").Select(change => change.Value<string>("id")));
    }

    [Fact]
    public async Task From_now_only_later_writes_appear_and_an_empty_read_answers_304()
    {
        var container = await NewContainerAsync();
        await WriteAsync(container, "before", "p", 1);
        using var iterator = container.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Now(), ChangeFeedMode.LatestVersion);

        var empty = await iterator.ReadNextAsync();
        await WriteAsync(container, "after", "p", 1);
        var next = await iterator.ReadNextAsync();

        Assert.Equal(HttpStatusCode.NotModified, empty.StatusCode);
        Assert.True(iterator.HasMoreResults);
        Assert.Equal(["after"], next.Select(change => change.Value<string>("id")));
    }

    [Fact]
    public async Task From_a_point_in_time_only_items_written_since_appear()
    {
        var container = await NewContainerAsync();
        var old = await container.UpsertItemAsync(new JObject { ["id"] = "old", ["pk"] = "p", ["version"] = 1 }, new PartitionKey("p"));
        // The SDK sends the start time to the second: wait for the second after the one "old" was stamped with (a
        // timer may wake a little before the wall clock has moved on, so the clock itself is watched).
        var oldTimestamp = old.Resource.Value<long>("_ts");
        while (DateTimeOffset.UtcNow.ToUnixTimeSeconds() <= oldTimestamp)
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        var start = DateTime.UtcNow;
        await WriteAsync(container, "new", "p", 1);

        var changes = await DrainAsync(container.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Time(start), ChangeFeedMode.LatestVersion));

        Assert.Equal(["new"], changes.Select(change => change.Value<string>("id")));
    }

    [Fact]
    public async Task A_continuation_token_resumes_after_the_changes_already_read()
    {
        var container = await NewContainerAsync();
        await WriteAsync(container, "first", "p", 1);
        var continuation = await ContinuationAfterDrainingAsync(container.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion));
        await WriteAsync(container, "second", "p", 1);

        var changes = await DrainAsync(container.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.ContinuationToken(continuation), ChangeFeedMode.LatestVersion));

        Assert.Equal(["second"], changes.Select(change => change.Value<string>("id")));
    }

    [Fact]
    public async Task A_small_page_size_splits_the_feed_into_pages_without_losing_or_repeating_items()
    {
        var container = await NewContainerAsync();
        for (var index = 0; index < 7; index++)
            await WriteAsync(container, $"item-{index}", $"p{index % 3}", 1);

        var pages = new List<int>();
        var ids = new List<string>();
        using var iterator = container.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion,
            new ChangeFeedRequestOptions { PageSizeHint = 3 });
        while (true)
        {
            var page = await iterator.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified)
                break;
            pages.Add(page.Count);
            ids.AddRange(page.Select(change => change.Value<string>("id")!));
        }

        Assert.Equal([3, 3, 1], pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(index => $"item-{index}"), ids);
    }

    [Fact]
    public async Task A_feed_range_of_one_partition_key_sees_only_that_partition()
    {
        var container = await NewContainerAsync();
        await WriteAsync(container, "mine", "p1", 1);
        await WriteAsync(container, "theirs", "p2", 1);

        var changes = await DrainAsync(container.GetChangeFeedIterator<JObject>(
            ChangeFeedStartFrom.Beginning(FeedRange.FromPartitionKey(new PartitionKey("p1"))), ChangeFeedMode.LatestVersion));

        Assert.Equal(["mine"], changes.Select(change => change.Value<string>("id")));
    }

    [Fact]
    public async Task A_change_feed_page_reports_a_request_charge()
    {
        var container = await NewContainerAsync();
        await WriteAsync(container, "charged", "p", 1);
        using var iterator = container.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion);

        var page = await iterator.ReadNextAsync();

        Assert.True(page.RequestCharge > 0);
    }

    private async Task<Container> NewContainerAsync() =>
        (await database.CreateContainerAsync(endpoint.UniqueName("items"), "/pk")).Container;

    private static Task WriteAsync(Container container, string id, string partitionKey, int version) =>
        container.UpsertItemAsync(new JObject { ["id"] = id, ["pk"] = partitionKey, ["version"] = version }, new PartitionKey(partitionKey));

    private static async Task<List<JObject>> DrainAsync(FeedIterator<JObject> iterator)
    {
        var changes = new List<JObject>();
        using (iterator)
        {
            while (iterator.HasMoreResults)
            {
                var page = await iterator.ReadNextAsync();
                if (page.StatusCode == HttpStatusCode.NotModified)
                    break;
                changes.AddRange(page);
            }
        }
        return changes;
    }

    private static async Task<string> ContinuationAfterDrainingAsync(FeedIterator<JObject> iterator)
    {
        using (iterator)
        {
            while (true)
            {
                var page = await iterator.ReadNextAsync();
                if (page.StatusCode == HttpStatusCode.NotModified)
                    return page.ContinuationToken;
            }
        }
    }
}
