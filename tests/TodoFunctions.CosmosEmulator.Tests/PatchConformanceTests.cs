using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

/// <summary>Partial document update (patch) through the unmodified SDK.</summary>
public sealed class PatchConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private static readonly PartitionKey Partition = new("p");

    private CosmosClient client = null!;
    private Database database = null!;
    private Container container = null!;

    public async Task InitializeAsync()
    {
        client = endpoint.CreateClient();
        database = (await client.CreateDatabaseAsync(endpoint.UniqueName("patch"))).Database;
        container = (await database.CreateContainerAsync("todos", "/pk")).Container;
    }

    public async Task DisposeAsync() => await database.DeleteAsync();

    [Fact]
    public async Task Set_add_replace_remove_and_incr_apply_in_order_and_give_a_new_etag()
    {
        var created = await CreateAsync("todo");

        var patched = await container.PatchItemAsync<JObject>("todo", Partition,
        [
            PatchOperation.Set("/title", "patched"),
            PatchOperation.Add("/tags/1", "middle"),
            PatchOperation.Replace("/order", 7),
            PatchOperation.Remove("/obsolete"),
            PatchOperation.Increment("/count", 5),
            PatchOperation.Add("/owner/name", "ada"),
        ]);

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.NotEqual(created.ETag, patched.ETag);
        var item = (await container.ReadItemAsync<JObject>("todo", Partition)).Resource;
        Assert.Equal("patched", item.Value<string>("title"));
        Assert.Equal(["first", "middle", "last"], item["tags"]!.Values<string>());
        Assert.Equal(7, item.Value<int>("order"));
        Assert.Null(item["obsolete"]);
        Assert.Equal(6, item.Value<int>("count"));
        Assert.Equal("ada", item["owner"]!.Value<string>("name"));
    }

    [Fact]
    public async Task Patching_a_missing_item_answers_404()
    {
        var missing = await Assert.ThrowsAsync<CosmosException>(() =>
            container.PatchItemAsync<JObject>("ghost", Partition, [PatchOperation.Set("/title", "x")]));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Replacing_or_removing_a_missing_path_answers_400_and_changes_nothing()
    {
        var created = await CreateAsync("strict");

        var replace = await Assert.ThrowsAsync<CosmosException>(() =>
            container.PatchItemAsync<JObject>("strict", Partition, [PatchOperation.Set("/title", "half"), PatchOperation.Replace("/nothing", 1)]));
        var remove = await Assert.ThrowsAsync<CosmosException>(() =>
            container.PatchItemAsync<JObject>("strict", Partition, [PatchOperation.Remove("/nothing")]));
        var read = await container.ReadItemAsync<JObject>("strict", Partition);

        Assert.Equal(HttpStatusCode.BadRequest, replace.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, remove.StatusCode);
        Assert.Equal(created.ETag, read.ETag);
        Assert.Equal("original", read.Resource.Value<string>("title"));
    }

    [Fact]
    public async Task A_patch_with_a_stale_etag_answers_412()
    {
        var created = await CreateAsync("raced");
        await container.PatchItemAsync<JObject>("raced", Partition, [PatchOperation.Increment("/count", 1)]);

        var stale = await Assert.ThrowsAsync<CosmosException>(() => container.PatchItemAsync<JObject>("raced", Partition,
            [PatchOperation.Increment("/count", 1)], new PatchItemRequestOptions { IfMatchEtag = created.ETag }));

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Fact]
    public async Task A_conditional_patch_applies_only_when_the_filter_predicate_matches()
    {
        await CreateAsync("conditional");

        var applied = await container.PatchItemAsync<JObject>("conditional", Partition, [PatchOperation.Set("/title", "yes")],
            new PatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.count = 1" });
        var refused = await Assert.ThrowsAsync<CosmosException>(() => container.PatchItemAsync<JObject>("conditional", Partition,
            [PatchOperation.Set("/title", "no")], new PatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.count = 99" }));

        Assert.Equal("yes", applied.Resource.Value<string>("title"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
    }

    private Task<ItemResponse<JObject>> CreateAsync(string id) =>
        container.CreateItemAsync(new JObject
        {
            ["id"] = id,
            ["pk"] = "p",
            ["title"] = "original",
            ["tags"] = new JArray("first", "last"),
            ["order"] = 1,
            ["obsolete"] = true,
            ["count"] = 1,
            ["owner"] = new JObject(),
        }, Partition);
}
