using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Cosmos.Linq;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

/// <summary>Queries driven through the unmodified Cosmos DB SDK, so the emulator's answers are checked as the SDK consumes them.</summary>
public sealed class QueryConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private static readonly JObject[] Items =
    [
        Item("a1", "a", rank: 3, tag: "red"),
        Item("a2", "a", rank: 1, tag: "blue"),
        Item("a3", "a", rank: 2, tag: "red"),
        Item("b1", "b", rank: 5, tag: "red"),
        Item("b2", "b", rank: 1, tag: "green"),
        Item("c1", "c", rank: 4, tag: "blue"),
        Item("c2", "c", rank: 6, tag: null),
    ];

    private CosmosClient _client = null!;
    private Database _database = null!;
    private Container _container = null!;

    private static JObject Item(string id, string pk, int rank, string? tag)
    {
        var item = new JObject { ["id"] = id, ["pk"] = pk, ["rank"] = rank };
        if (tag is not null) item["tag"] = tag;
        return item;
    }

    public async Task InitializeAsync()
    {
        _client = endpoint.CreateClient();
        _database = (await _client.CreateDatabaseAsync(endpoint.UniqueName("query"))).Database;
        var properties = new ContainerProperties("items", "/pk");
        // ORDER BY on two keys needs a composite index with those paths, as in Azure.
        properties.IndexingPolicy.CompositeIndexes.Add([new() { Path = "/rank", Order = CompositePathSortOrder.Descending }, new() { Path = "/id" }]);
        properties.IndexingPolicy.CompositeIndexes.Add([new() { Path = "/rank" }, new() { Path = "/id" }]);
        _container = (await _database.CreateContainerAsync(properties)).Container;
        foreach (var item in Items)
            await _container.CreateItemAsync(item, new PartitionKey(item.Value<string>("pk")));
    }

    public async Task DisposeAsync()
    {
        await _database.DeleteAsync();
        _client.Dispose();
    }

    private async Task<List<T>> QueryAll<T>(QueryDefinition query, QueryRequestOptions? options = null)
    {
        var results = new List<T>();
        using var iterator = _container.GetItemQueryIterator<T>(query, requestOptions: options);
        while (iterator.HasMoreResults) results.AddRange(await iterator.ReadNextAsync());
        return results;
    }

    private Task<List<string>> Ids(string query, QueryRequestOptions? options = null) => QueryAll<string>(new QueryDefinition(query), options);

    private static QueryRequestOptions InPartition(string pk) => new() { PartitionKey = new PartitionKey(pk) };

    [Fact]
    public async Task A_single_partition_query_with_a_parameter_sees_only_that_partition()
    {
        var query = new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.tag = @tag").WithParameter("@tag", "red");

        var ids = await QueryAll<string>(query, InPartition("a"));

        Assert.Equal(["a1", "a3"], ids.Order());
    }

    [Fact]
    public async Task A_cross_partition_query_sees_every_partition()
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE STARTSWITH(c.id, @prefix) OR c.rank >= @rank")
            .WithParameter("@prefix", "a")
            .WithParameter("@rank", 5);

        var items = await QueryAll<JObject>(query);

        Assert.Equal(["a1", "a2", "a3", "b1", "c2"], items.Select(item => item.Value<string>("id")!).Order());
        Assert.All(items, item => Assert.NotNull(item.Value<string>("_etag")));
    }

    [Fact]
    public async Task Order_by_several_keys_sorts_across_partitions() =>
        Assert.Equal(["c2", "b1", "c1", "a1", "a3", "a2", "b2"], await Ids("SELECT VALUE c.id FROM c ORDER BY c.rank DESC, c.id ASC"));

    [Fact]
    public async Task Order_by_puts_documents_without_the_property_first() =>
        Assert.Equal("c2", (await Ids("SELECT VALUE c.id FROM c ORDER BY c.tag"))[0]);

    [Fact]
    public async Task Top_returns_the_first_results_of_the_order() =>
        Assert.Equal(["a2", "b2", "a3"], await Ids("SELECT TOP 3 VALUE c.id FROM c ORDER BY c.rank, c.id"));

    [Fact]
    public async Task Offset_limit_skips_then_takes_even_when_pages_are_small()
    {
        var ids = await Ids("SELECT VALUE c.id FROM c ORDER BY c.id OFFSET 2 LIMIT 3", new QueryRequestOptions { MaxItemCount = 2 });

        Assert.Equal(["a3", "b1", "b2"], ids);
    }

    [Fact]
    public async Task A_projection_returns_named_properties_and_leaves_out_undefined_ones()
    {
        var rows = await QueryAll<JObject>(new QueryDefinition("SELECT c.id, c.tag AS colour FROM c WHERE c.pk = 'c' ORDER BY c.id"));

        Assert.Equal(["{\"id\":\"c1\",\"colour\":\"blue\"}", "{\"id\":\"c2\"}"], rows.Select(row => row.ToString(Newtonsoft.Json.Formatting.None)));
    }

    [Theory]
    [InlineData("SELECT VALUE COUNT(1) FROM c", 7)]
    [InlineData("SELECT VALUE COUNT(c.tag) FROM c", 6)]
    [InlineData("SELECT VALUE SUM(c.rank) FROM c", 22)]
    [InlineData("SELECT VALUE MIN(c.rank) FROM c", 1)]
    [InlineData("SELECT VALUE MAX(c.rank) FROM c WHERE c.pk = 'a'", 3)]
    [InlineData("SELECT VALUE AVG(c.rank) FROM c WHERE c.pk = 'b'", 3)]
    public async Task Aggregates_over_all_partitions_return_one_value(string query, double expected) =>
        Assert.Equal([expected], await QueryAll<double>(new QueryDefinition(query)));

    [Fact]
    public async Task An_aggregate_with_an_alias_returns_one_object()
    {
        var rows = await QueryAll<JObject>(new QueryDefinition("SELECT COUNT(1) AS n, MAX(c.rank) AS highest FROM c WHERE c.pk = @pk").WithParameter("@pk", "b"), InPartition("b"));

        Assert.Equal("{\"n\":2,\"highest\":5}", Assert.Single(rows).ToString(Newtonsoft.Json.Formatting.None));
    }

    [Fact]
    public async Task Max_item_count_splits_the_results_into_pages_that_together_hold_each_item_once()
    {
        var pageSizes = new List<int>();
        var ids = new List<string>();
        using var iterator = _container.GetItemQueryIterator<string>("SELECT VALUE c.id FROM c ORDER BY c.id", requestOptions: new QueryRequestOptions { MaxItemCount = 3 });
        while (iterator.HasMoreResults)
        {
            var page = await iterator.ReadNextAsync();
            pageSizes.Add(page.Count);
            ids.AddRange(page);
        }

        Assert.Equal([3, 3, 1], pageSizes);
        Assert.Equal(Items.Select(item => item.Value<string>("id")!).Order(), ids);
    }

    [Fact]
    public async Task A_continuation_token_resumes_the_query_in_a_new_iterator()
    {
        const string query = "SELECT VALUE c.id FROM c WHERE c.rank > 1 ORDER BY c.rank";
        var options = new QueryRequestOptions { MaxItemCount = 2 };
        FeedResponse<string> first;
        using (var iterator = _container.GetItemQueryIterator<string>(query, requestOptions: options))
            first = await iterator.ReadNextAsync();
        Assert.NotNull(first.ContinuationToken);

        var rest = new List<string>();
        using (var resumed = _container.GetItemQueryIterator<string>(query, first.ContinuationToken, options))
            while (resumed.HasMoreResults) rest.AddRange(await resumed.ReadNextAsync());

        Assert.Equal(["a3", "a1", "c1", "b1", "c2"], first.Concat(rest));
    }

    private sealed record Row(string Id, string Pk, int Rank, string? Tag);

    [Fact]
    public async Task Linq_queries_are_translated_and_answered()
    {
        var camelCase = new CosmosLinqSerializerOptions { PropertyNamingPolicy = CosmosPropertyNamingPolicy.CamelCase };
        var query = _container.GetItemLinqQueryable<Row>(linqSerializerOptions: camelCase)
            .Where(row => row.Tag == "red" && row.Rank > 1)
            .OrderByDescending(row => row.Rank)
            .Select(row => row.Id);

        var ids = new List<string>();
        using var iterator = query.ToFeedIterator();
        while (iterator.HasMoreResults) ids.AddRange(await iterator.ReadNextAsync());

        Assert.Equal(["b1", "a1", "a3"], ids);
    }

    [Theory]
    [InlineData("SELECT c.id, t FROM c JOIN t IN c.tags", "JOIN")]
    [InlineData("SELECT c.tag, COUNT(1) AS n FROM c GROUP BY c.tag", "GROUP BY")]
    [InlineData("SELECT * FROM c WHERE SOUNDEX(c.id) = 'x'", "SOUNDEX")]
    public async Task An_unsupported_construct_answers_400_naming_it(string query, string construct)
    {
        var error = await Assert.ThrowsAsync<CosmosException>(() => QueryAll<JObject>(new QueryDefinition(query)));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains(construct, error.Message);
    }
}
