using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

// Transactional batch through the unmodified SDK against the emulator, asserting what the real service answers.
public sealed class BatchConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private static readonly PartitionKey Partition = new("p1");

    private readonly CosmosClient client = endpoint.CreateClient();

    private Container container = null!;

    public async Task InitializeAsync()
    {
        Database database = (await client.CreateDatabaseIfNotExistsAsync(endpoint.UniqueName("batch"))).Database;
        container = (await database.CreateContainerAsync(endpoint.UniqueName("items"), "/pk")).Container;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_batch_of_every_operation_kind_applies_them_all_and_reports_each_result()
    {
        await CreateAsync("to-read", "read me");
        await CreateAsync("to-replace", "old");
        await CreateAsync("to-delete", "doomed");
        await CreateAsync("to-patch", "unpatched");

        using TransactionalBatchResponse response = await container.CreateTransactionalBatch(Partition)
            .CreateItem(Item("created", "new"))
            .ReadItem("to-read")
            .ReplaceItem("to-replace", Item("to-replace", "replaced"))
            .UpsertItem(Item("upserted", "upserted"))
            .DeleteItem("to-delete")
            .PatchItem("to-patch", [PatchOperation.Set("/title", "patched"), PatchOperation.Increment("/order", 5)])
            .ExecuteAsync();

        Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        Assert.Equal(
            [HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent, HttpStatusCode.OK],
            response.Select(result => result.StatusCode));
        Assert.Equal("read me", Title(response.GetOperationResultAtIndex<JObject>(1).Resource));
        Assert.Equal("patched", Title(response.GetOperationResultAtIndex<JObject>(5).Resource));
        Assert.True(response.RequestCharge > 0);

        Assert.Equal("new", Title(await ReadAsync("created")));
        Assert.Equal("replaced", Title(await ReadAsync("to-replace")));
        Assert.Equal("upserted", Title(await ReadAsync("upserted")));
        Assert.Null(await ReadAsync("to-delete"));
        JObject patched = (await ReadAsync("to-patch"))!;
        Assert.Equal("patched", Title(patched));
        Assert.Equal(6, patched.Value<int>("order"));
    }

    [Fact]
    public async Task Each_result_etag_is_the_etag_of_the_item_the_operation_wrote()
    {
        using TransactionalBatchResponse response = await container.CreateTransactionalBatch(Partition)
            .CreateItem(Item("a", "first"))
            .UpsertItem(Item("b", "second"))
            .ExecuteAsync();

        Assert.Equal((await ReadAsync("a"))!.Value<string>("_etag"), response[0].ETag);
        Assert.Equal((await ReadAsync("b"))!.Value<string>("_etag"), response[1].ETag);
    }

    [Fact]
    public async Task A_duplicate_create_rolls_back_the_whole_batch_and_answers_409_with_424_for_the_rest()
    {
        await CreateAsync("existing", "original");

        using TransactionalBatchResponse response = await container.CreateTransactionalBatch(Partition)
            .CreateItem(Item("fresh", "would be new"))
            .UpsertItem(Item("existing", "would be overwritten"))
            .CreateItem(Item("existing", "duplicate"))
            .CreateItem(Item("later", "never reached"))
            .ExecuteAsync();

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(
            [HttpStatusCode.FailedDependency, HttpStatusCode.FailedDependency, HttpStatusCode.Conflict, HttpStatusCode.FailedDependency],
            response.Select(result => result.StatusCode));
        Assert.Null(await ReadAsync("fresh"));
        Assert.Null(await ReadAsync("later"));
        Assert.Equal("original", Title(await ReadAsync("existing")));
    }

    [Fact]
    public async Task A_stale_if_match_fails_its_operation_with_412_and_writes_nothing()
    {
        string staleETag = (await CreateAsync("guarded", "v1")).ETag;
        await container.UpsertItemAsync(Item("guarded", "v2"), Partition);

        using TransactionalBatchResponse response = await container.CreateTransactionalBatch(Partition)
            .CreateItem(Item("side-effect", "must not stay"))
            .ReplaceItem("guarded", Item("guarded", "v3"), new TransactionalBatchItemRequestOptions { IfMatchEtag = staleETag })
            .ExecuteAsync();

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal([HttpStatusCode.FailedDependency, HttpStatusCode.PreconditionFailed], response.Select(result => result.StatusCode));
        Assert.Null(await ReadAsync("side-effect"));
        Assert.Equal("v2", Title(await ReadAsync("guarded")));
    }

    [Fact]
    public async Task A_current_if_match_lets_its_operation_through()
    {
        string currentETag = (await CreateAsync("guarded", "v1")).ETag;

        using TransactionalBatchResponse response = await container.CreateTransactionalBatch(Partition)
            .ReplaceItem("guarded", Item("guarded", "v2"), new TransactionalBatchItemRequestOptions { IfMatchEtag = currentETag })
            .ExecuteAsync();

        Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        Assert.Equal("v2", Title(await ReadAsync("guarded")));
    }

    [Fact]
    public async Task A_read_inside_a_batch_sees_the_writes_before_it()
    {
        using TransactionalBatchResponse response = await container.CreateTransactionalBatch(Partition)
            .CreateItem(Item("a", "created in batch"))
            .ReplaceItem("a", Item("a", "replaced in batch"))
            .ReadItem("a")
            .ExecuteAsync();

        Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        Assert.Equal("replaced in batch", Title(response.GetOperationResultAtIndex<JObject>(2).Resource));
    }

    [Fact]
    public async Task A_read_of_a_missing_item_fails_the_batch_with_404_and_writes_nothing()
    {
        using TransactionalBatchResponse response = await container.CreateTransactionalBatch(Partition)
            .CreateItem(Item("a", "must not stay"))
            .ReadItem("missing")
            .ExecuteAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal([HttpStatusCode.FailedDependency, HttpStatusCode.NotFound], response.Select(result => result.StatusCode));
        Assert.Null(await ReadAsync("a"));
    }

    [Fact]
    public async Task A_batch_of_100_operations_is_accepted()
    {
        using TransactionalBatchResponse response = await BatchOfCreates(100, "x").ExecuteAsync();

        Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        Assert.Equal(100, response.Count);
    }

    [Fact]
    public async Task A_batch_of_101_operations_is_refused_with_400_as_the_service_does_and_writes_nothing()
    {
        using TransactionalBatchResponse response = await BatchOfCreates(101, "x").ExecuteAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Batch request has more operations than what is supported.", response.ErrorMessage);
        Assert.Null(await ReadAsync("item-0"));
    }

    [Fact]
    public async Task A_batch_body_over_2_MiB_is_refused_with_413_as_the_service_does_and_writes_nothing()
    {
        string eightHundredKilobytes = new('x', 800 * 1024);

        using TransactionalBatchResponse response = await BatchOfCreates(3, eightHundredKilobytes).ExecuteAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(await ReadAsync("item-0"));
    }

    [Fact]
    public async Task A_conditional_patch_inside_a_batch_applies_when_the_filter_predicate_matches_and_fails_the_batch_with_412_when_not()
    {
        await CreateAsync("a", "unpatched");

        using TransactionalBatchResponse applied = await container.CreateTransactionalBatch(Partition)
            .PatchItem("a", [PatchOperation.Set("/title", "patched")], new TransactionalBatchPatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.order = 1" })
            .ExecuteAsync();
        using TransactionalBatchResponse refused = await container.CreateTransactionalBatch(Partition)
            .CreateItem(Item("b", "never written"))
            .PatchItem("a", [PatchOperation.Set("/title", "repatched")], new TransactionalBatchPatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.order = 99" })
            .ExecuteAsync();

        Assert.True(applied.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal(HttpStatusCode.FailedDependency, refused[0].StatusCode);
        Assert.Equal("patched", Title(await ReadAsync("a")));
        Assert.Null(await ReadAsync("b"));
    }

    private TransactionalBatch BatchOfCreates(int count, string title) =>
        Enumerable.Range(0, count).Aggregate(
            container.CreateTransactionalBatch(Partition),
            (batch, index) => batch.CreateItem(Item($"item-{index}", title)));

    private static JObject Item(string id, string title) => new() { ["id"] = id, ["pk"] = "p1", ["title"] = title, ["order"] = 1 };

    private static string? Title(JObject? item) => item?.Value<string>("title");

    private Task<ItemResponse<JObject>> CreateAsync(string id, string title) => container.CreateItemAsync(Item(id, title), Partition);

    private async Task<JObject?> ReadAsync(string id)
    {
        using ResponseMessage response = await container.ReadItemStreamAsync(id, Partition);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(response.Content);
        return JObject.Parse(await reader.ReadToEndAsync());
    }
}
