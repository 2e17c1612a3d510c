using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

/// <summary>Item create, read, replace, upsert and delete through the unmodified SDK, with the answers the real service gives.</summary>
public sealed class ItemConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private CosmosClient client = null!;
    private Database database = null!;
    private Container container = null!;

    public async Task InitializeAsync()
    {
        client = endpoint.CreateClient();
        database = (await client.CreateDatabaseAsync(endpoint.UniqueName("items"))).Database;
        container = (await database.CreateContainerAsync("todos", "/pk")).Container;
    }

    public async Task DisposeAsync() => await database.DeleteAsync();

    [Fact]
    public async Task A_created_item_reads_back_with_its_system_properties()
    {
        var created = await container.CreateItemAsync(Item("one", "p", "hello"), new PartitionKey("p"));
        var read = await container.ReadItemAsync<JObject>("one", new PartitionKey("p"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("hello", read.Resource.Value<string>("title"));
        Assert.Equal(created.ETag, read.ETag);
        Assert.Equal(created.ETag, read.Resource.Value<string>("_etag"));
        Assert.False(string.IsNullOrEmpty(read.Resource.Value<string>("_rid")));
        Assert.EndsWith("/", read.Resource.Value<string>("_self"));
        Assert.InRange(read.Resource.Value<long>("_ts"), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Creating_an_id_twice_in_one_partition_answers_409_but_another_partition_may_reuse_it()
    {
        await container.CreateItemAsync(Item("twice", "p1", "first"), new PartitionKey("p1"));

        var conflict = await Assert.ThrowsAsync<CosmosException>(() => container.CreateItemAsync(Item("twice", "p1", "second"), new PartitionKey("p1")));
        var elsewhere = await container.CreateItemAsync(Item("twice", "p2", "other"), new PartitionKey("p2"));

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("accents-été-ünïcode")]
    [InlineData("symbols+&=%;@")]
    public async Task Ids_with_spaces_symbols_and_unicode_round_trip(string id)
    {
        await container.CreateItemAsync(Item(id, "odd", "odd id"), new PartitionKey("odd"));

        var read = await container.ReadItemAsync<JObject>(id, new PartitionKey("odd"));
        var deleted = await container.DeleteItemAsync<JObject>(id, new PartitionKey("odd"));

        Assert.Equal(id, read.Resource.Value<string>("id"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task An_id_with_a_slash_is_refused_with_400()
    {
        var refused = await Assert.ThrowsAsync<CosmosException>(() => container.CreateItemAsync(Item("a/b", "p", "x"), new PartitionKey("p")));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task Reading_a_missing_item_answers_404()
    {
        var missing = await Assert.ThrowsAsync<CosmosException>(() => container.ReadItemAsync<JObject>("nobody", new PartitionKey("p")));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Replace_with_the_current_etag_succeeds_and_with_a_stale_one_answers_412()
    {
        var created = await container.CreateItemAsync(Item("guarded", "p", "v1"), new PartitionKey("p"));
        var replaced = await container.ReplaceItemAsync(Item("guarded", "p", "v2"), "guarded", new PartitionKey("p"),
            new ItemRequestOptions { IfMatchEtag = created.ETag });

        var stale = await Assert.ThrowsAsync<CosmosException>(() => container.ReplaceItemAsync(Item("guarded", "p", "v3"), "guarded",
            new PartitionKey("p"), new ItemRequestOptions { IfMatchEtag = created.ETag }));
        var read = await container.ReadItemAsync<JObject>("guarded", new PartitionKey("p"));

        Assert.NotEqual(created.ETag, replaced.ETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("v2", read.Resource.Value<string>("title"));
    }

    [Fact]
    public async Task Replacing_a_missing_item_answers_404()
    {
        var missing = await Assert.ThrowsAsync<CosmosException>(() => container.ReplaceItemAsync(Item("ghost", "p", "x"), "ghost", new PartitionKey("p")));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Reading_with_the_current_etag_in_if_none_match_answers_304_and_a_changed_item_answers_200()
    {
        var created = await container.CreateItemAsync(Item("cached", "p", "v1"), new PartitionKey("p"));
        var unchanged = await container.ReadItemStreamAsync("cached", new PartitionKey("p"), new ItemRequestOptions { IfNoneMatchEtag = created.ETag });
        await container.UpsertItemAsync(Item("cached", "p", "v2"), new PartitionKey("p"));
        var changed = await container.ReadItemStreamAsync("cached", new PartitionKey("p"), new ItemRequestOptions { IfNoneMatchEtag = created.ETag });

        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task Upsert_creates_with_201_then_replaces_with_200()
    {
        var first = await container.UpsertItemAsync(Item("upserted", "p", "v1"), new PartitionKey("p"));
        var second = await container.UpsertItemAsync(Item("upserted", "p", "v2"), new PartitionKey("p"));
        var read = await container.ReadItemAsync<JObject>("upserted", new PartitionKey("p"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("v2", read.Resource.Value<string>("title"));
        Assert.Equal(first.Resource.Value<string>("_rid"), read.Resource.Value<string>("_rid"));
    }

    [Fact]
    public async Task Upsert_with_if_match_on_a_missing_item_creates_it_with_201()
    {
        var created = await container.UpsertItemAsync(Item("fresh", "p", "v1"), new PartitionKey("p"),
            new ItemRequestOptions { IfMatchEtag = "\"00000000-0000-0000-0000-000000000000\"" });
        var read = await container.ReadItemAsync<JObject>("fresh", new PartitionKey("p"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("v1", read.Resource.Value<string>("title"));
    }

    [Fact]
    public async Task Delete_answers_204_then_the_item_is_gone_and_deleting_again_answers_404()
    {
        await container.CreateItemAsync(Item("doomed", "p", "bye"), new PartitionKey("p"));

        var deleted = await container.DeleteItemAsync<JObject>("doomed", new PartitionKey("p"));
        var read = await Assert.ThrowsAsync<CosmosException>(() => container.ReadItemAsync<JObject>("doomed", new PartitionKey("p")));
        var again = await Assert.ThrowsAsync<CosmosException>(() => container.DeleteItemAsync<JObject>("doomed", new PartitionKey("p")));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Delete_with_a_stale_etag_answers_412_and_keeps_the_item()
    {
        var created = await container.CreateItemAsync(Item("kept", "p", "v1"), new PartitionKey("p"));
        await container.UpsertItemAsync(Item("kept", "p", "v2"), new PartitionKey("p"));

        var stale = await Assert.ThrowsAsync<CosmosException>(() => container.DeleteItemAsync<JObject>("kept", new PartitionKey("p"),
            new ItemRequestOptions { IfMatchEtag = created.ETag }));
        var read = await container.ReadItemAsync<JObject>("kept", new PartitionKey("p"));

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("v2", read.Resource.Value<string>("title"));
    }

    [Fact]
    public async Task A_write_without_content_response_returns_no_body_but_an_etag()
    {
        var created = await container.CreateItemAsync(Item("quiet", "p", "shh"), new PartitionKey("p"),
            new ItemRequestOptions { EnableContentResponseOnWrite = false });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Null(created.Resource);
        Assert.False(string.IsNullOrEmpty(created.ETag));
    }

    [Fact]
    public async Task An_item_whose_partition_key_differs_from_the_request_answers_400()
    {
        var mismatch = await Assert.ThrowsAsync<CosmosException>(() => container.CreateItemAsync(Item("astray", "p1", "x"), new PartitionKey("p2")));

        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
    }

    [Fact]
    public async Task Items_without_a_partition_key_value_live_in_the_none_partition()
    {
        var item = new JObject { ["id"] = "keyless", ["title"] = "no pk" };
        await container.CreateItemAsync(item, PartitionKey.None);

        var read = await container.ReadItemAsync<JObject>("keyless", PartitionKey.None);

        Assert.Equal("no pk", read.Resource.Value<string>("title"));
    }

    [Fact]
    public async Task The_session_token_of_a_write_is_in_the_sdk_format_and_is_accepted_back_on_a_read()
    {
        var created = await container.CreateItemAsync(Item("session", "p", "s"), new PartitionKey("p"));

        var read = await container.ReadItemAsync<JObject>("session", new PartitionKey("p"), new ItemRequestOptions { SessionToken = created.Headers.Session });

        Assert.Matches(@"^0:-1#\d+$", created.Headers.Session);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("s", read.Resource.Value<string>("title"));
    }

    [Fact]
    public async Task Every_item_response_reports_a_positive_request_charge_and_a_write_costs_more_than_a_read()
    {
        var created = await container.CreateItemAsync(Item("charged", "p", "rupees"), new PartitionKey("p"));
        var read = await container.ReadItemAsync<JObject>("charged", new PartitionKey("p"));

        Assert.True(read.RequestCharge > 0);
        Assert.True(created.RequestCharge > read.RequestCharge);
    }

    internal static JObject Item(string id, string partitionKey, string title) =>
        new() { ["id"] = id, ["pk"] = partitionKey, ["title"] = title };
}
