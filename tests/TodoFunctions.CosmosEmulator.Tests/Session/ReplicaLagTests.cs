using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Session;

/// <summary>
/// Session consistency with a lagging replica: the client that wrote carries a session token and reads its own
/// writes; another client (another app instance) has none and sees the container as it was one window ago.
/// </summary>
public sealed class ReplicaLagTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private static readonly PartitionKey Partition = new("p");

    private readonly ManualClock clock = new();
    private readonly List<CosmosClient> clients = [];
    private CosmosEmulatorServer emulator = null!;
    private Container written = null!;
    private Container seenElsewhere = null!;

    public Task InitializeAsync() => StartAsync(Window);

    public async Task DisposeAsync()
    {
        foreach (var client in clients)
            client.Dispose();
        await emulator.DisposeAsync();
    }

    [EmbeddedEmulatorFact]
    public async Task The_writing_client_reads_its_own_write_at_once_by_point_read_query_and_change_feed()
    {
        await written.CreateItemAsync(Item("mine", "v1"), Partition);

        var read = await written.ReadItemAsync<JObject>("mine", Partition);
        var queried = await QueryAsync(written, "SELECT VALUE c.id FROM c");
        var changes = await ChangesAsync(written.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion));

        Assert.Equal("v1", read.Resource.Value<string>("title"));
        Assert.Equal(["mine"], queried.Select(id => id.Value<string>()));
        Assert.Equal(["mine"], changes.Select(change => change.Value<string>("id")));
    }

    [EmbeddedEmulatorFact]
    public async Task Another_client_does_not_see_a_new_item_within_the_window_and_sees_it_after()
    {
        using var feed = seenElsewhere.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion);
        await written.CreateItemAsync(Item("new", "v1"), Partition);

        var missing = await seenElsewhere.ReadItemStreamAsync("new", Partition);
        var queriedBefore = await QueryAsync(seenElsewhere, "SELECT VALUE c.id FROM c");
        var changesBefore = await ChangesAsync(feed);
        clock.Advance(Window);
        var found = await seenElsewhere.ReadItemStreamAsync("new", Partition);
        var queriedAfter = await QueryAsync(seenElsewhere, "SELECT VALUE c.id FROM c");
        var changesAfter = await ChangesAsync(feed);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Empty(queriedBefore);
        Assert.Empty(changesBefore);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(["new"], queriedAfter.Select(id => id.Value<string>()));
        Assert.Equal(["new"], changesAfter.Select(change => change.Value<string>("id")));
    }

    [EmbeddedEmulatorFact]
    public async Task Another_client_sees_a_replaced_item_in_its_previous_version_and_a_deleted_item_still_there_until_the_window_passes()
    {
        await written.CreateItemAsync(Item("kept", "v1"), Partition);
        await written.CreateItemAsync(Item("doomed", "v1"), Partition);
        clock.Advance(Window);
        await written.ReplaceItemAsync(Item("kept", "v2"), "kept", Partition);
        await written.DeleteItemAsync<JObject>("doomed", Partition);

        var keptBefore = await seenElsewhere.ReadItemAsync<JObject>("kept", Partition);
        var doomedBefore = await seenElsewhere.ReadItemStreamAsync("doomed", Partition);
        var titlesBefore = await QueryAsync(seenElsewhere, "SELECT VALUE c.title FROM c ORDER BY c.id");
        clock.Advance(Window);
        var keptAfter = await seenElsewhere.ReadItemAsync<JObject>("kept", Partition);
        var doomedAfter = await seenElsewhere.ReadItemStreamAsync("doomed", Partition);
        var titlesAfter = await QueryAsync(seenElsewhere, "SELECT VALUE c.title FROM c ORDER BY c.id");

        Assert.Equal("v1", keptBefore.Resource.Value<string>("title"));
        Assert.Equal(HttpStatusCode.OK, doomedBefore.StatusCode);
        Assert.Equal(["v1", "v1"], titlesBefore.Select(title => title.Value<string>()));
        Assert.Equal("v2", keptAfter.Resource.Value<string>("title"));
        Assert.Equal(HttpStatusCode.NotFound, doomedAfter.StatusCode);
        Assert.Equal(["v2"], titlesAfter.Select(title => title.Value<string>()));
    }

    [EmbeddedEmulatorFact]
    public async Task Without_replica_lag_another_client_sees_every_write_at_once()
    {
        await DisposeAsync();
        await StartAsync(TimeSpan.Zero);
        await written.CreateItemAsync(Item("kept", "v1"), Partition);
        await written.CreateItemAsync(Item("doomed", "v1"), Partition);
        await written.ReplaceItemAsync(Item("kept", "v2"), "kept", Partition);
        await written.DeleteItemAsync<JObject>("doomed", Partition);

        var kept = await seenElsewhere.ReadItemAsync<JObject>("kept", Partition);
        var doomed = await seenElsewhere.ReadItemStreamAsync("doomed", Partition);
        var titles = await QueryAsync(seenElsewhere, "SELECT VALUE c.title FROM c");

        Assert.Equal("v2", kept.Resource.Value<string>("title"));
        Assert.Equal(HttpStatusCode.NotFound, doomed.StatusCode);
        Assert.Equal(["v2"], titles.Select(title => title.Value<string>()));
    }

    [EmbeddedEmulatorFact]
    public async Task A_client_that_has_read_a_snapshot_keeps_seeing_at_least_that_snapshot()
    {
        await written.CreateItemAsync(Item("first", "v1"), Partition);
        clock.Advance(Window);
        await seenElsewhere.ReadItemAsync<JObject>("first", Partition);
        await written.CreateItemAsync(Item("second", "v1"), Partition);

        var stillFirst = await QueryAsync(seenElsewhere, "SELECT VALUE c.id FROM c");

        Assert.Equal(["first"], stillFirst.Select(id => id.Value<string>()));
    }

    [EmbeddedEmulatorFact]
    public async Task A_session_token_covering_the_write_in_any_form_the_sdk_knows_lets_another_client_read_it()
    {
        var created = await written.CreateItemAsync(Item("shared", "v1"), Partition);
        var lsn = long.Parse(created.Headers.Session.Split('#')[^1]);
        string[] tokens = [$"0:-1#{lsn}", $"0:{lsn}", $"0:1#{lsn}#3=4", $"0:-1#1,1:-1#{lsn}"];

        var statuses = new List<HttpStatusCode>();
        foreach (var token in tokens)
        {
            using var read = await seenElsewhere.ReadItemStreamAsync("shared", Partition, new ItemRequestOptions { SessionToken = token });
            statuses.Add(read.StatusCode);
        }
        using var invalid = await seenElsewhere.ReadItemStreamAsync("shared", Partition, new ItemRequestOptions { SessionToken = "0:-1#twelve" });

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    private async Task StartAsync(TimeSpan replicaLag)
    {
        emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { ReplicaLag = replicaLag, Clock = clock });
        var writer = Client();
        var container = await (await writer.CreateDatabaseAsync("lag")).Database.CreateContainerAsync("items", "/pk");
        written = container.Container;
        seenElsewhere = Client().GetContainer("lag", "items");
    }

    private CosmosClient Client()
    {
        var client = new CosmosClient(emulator.ConnectionString, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
        });
        clients.Add(client);
        return client;
    }

    private static async Task<List<JToken>> QueryAsync(Container container, string query)
    {
        var results = new List<JToken>();
        using var iterator = container.GetItemQueryIterator<JToken>(query);
        while (iterator.HasMoreResults)
            results.AddRange(await iterator.ReadNextAsync());
        return results;
    }

    // One pass over the feed: pages until the first 304 (nothing new yet); the iterator can be read again later.
    private static async Task<List<JObject>> ChangesAsync(FeedIterator<JObject> feed)
    {
        var changes = new List<JObject>();
        while (feed.HasMoreResults)
        {
            var page = await feed.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified)
                break;
            changes.AddRange(page);
        }
        return changes;
    }

    private static JObject Item(string id, string title) => new() { ["id"] = id, ["pk"] = "p", ["title"] = title };
}
