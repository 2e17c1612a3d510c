using System.Collections.ObjectModel;
using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Query;

/// <summary>ORDER BY as the service serves it: by document paths only, and on several keys only through a matching composite index.</summary>
public sealed class OrderByIndexConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private const string NoCompositeIndex = "The order by query does not have a corresponding composite index that it can be served from.";
    private const string NotADocumentPath = "ORDER BY item expression could not be mapped to a document path";

    private CosmosClient _client = null!;
    private Database _database = null!;
    private Container _indexed = null!;
    private Container _unindexed = null!;

    public async Task InitializeAsync()
    {
        _client = endpoint.CreateClient();
        _database = (await _client.CreateDatabaseAsync(endpoint.UniqueName("orderby"))).Database;
        var properties = new ContainerProperties("indexed", "/pk");
        properties.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>
        {
            new() { Path = "/name", Order = CompositePathSortOrder.Ascending },
            new() { Path = "/age", Order = CompositePathSortOrder.Descending },
            new() { Path = "/city", Order = CompositePathSortOrder.Ascending },
        });
        _indexed = (await _database.CreateContainerAsync(properties)).Container;
        _unindexed = (await _database.CreateContainerAsync("unindexed", "/pk")).Container;
        foreach (var (id, name, age, city) in new[] { ("1", "Ada", 36, "London"), ("2", "Ada", 41, "Paris"), ("3", "Ada", 41, "Berlin"), ("4", "Bob", 30, "Rome") })
        {
            var item = new JObject { ["id"] = id, ["pk"] = "p", ["name"] = name, ["age"] = age, ["city"] = city };
            await _indexed.CreateItemAsync(item, new PartitionKey("p"));
            await _unindexed.CreateItemAsync(item, new PartitionKey("p"));
        }
    }

    public async Task DisposeAsync()
    {
        await _database.DeleteAsync();
        _client.Dispose();
    }

    private static async Task<List<string>> Ids(Container container, string query)
    {
        var ids = new List<string>();
        using var iterator = container.GetItemQueryIterator<string>(query);
        while (iterator.HasMoreResults) ids.AddRange(await iterator.ReadNextAsync());
        return ids;
    }

    private static async Task AssertRefused(Container container, string query, string message)
    {
        var error = await Assert.ThrowsAsync<CosmosException>(() => Ids(container, query));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("SELECT VALUE c.id FROM c ORDER BY c.name, c.age DESC, c.city", "3,2,1,4")]
    [InlineData("SELECT VALUE c.id FROM c ORDER BY c.name DESC, c.age ASC, c.city DESC", "4,1,2,3")]
    public async Task Several_keys_are_served_by_a_composite_index_with_the_same_paths_in_the_same_or_the_reversed_directions(string query, string expected) =>
        Assert.Equal(expected, string.Join(",", await Ids(_indexed, query)));

    [Theory]
    [InlineData("SELECT VALUE c.id FROM c ORDER BY c.name, c.age DESC")]
    [InlineData("SELECT VALUE c.id FROM c ORDER BY c.name, c.age, c.city")]
    [InlineData("SELECT VALUE c.id FROM c ORDER BY c.age DESC, c.name, c.city")]
    [InlineData("SELECT VALUE c.id FROM c ORDER BY c.name, c.age DESC, c.city, c.id")]
    public Task Several_keys_without_an_exactly_matching_composite_index_answer_400(string query) =>
        AssertRefused(_indexed, query, NoCompositeIndex);

    [Fact]
    public async Task Two_keys_on_a_container_with_the_default_indexing_policy_answer_400_while_one_key_is_served()
    {
        await AssertRefused(_unindexed, "SELECT VALUE c.id FROM c ORDER BY c.age, c.id", NoCompositeIndex);

        Assert.Equal(["4", "1"], (await Ids(_unindexed, "SELECT VALUE c.id FROM c ORDER BY c.age"))[..2]);
    }

    [Theory]
    [InlineData("SELECT VALUE c.id FROM c ORDER BY LOWER(c.name)")]
    [InlineData("SELECT VALUE c.id FROM c ORDER BY c.age + 1")]
    [InlineData("SELECT VALUE c.id FROM c ORDER BY 'constant'")]
    public Task Sorting_on_anything_but_a_document_path_answers_400(string query) =>
        AssertRefused(_unindexed, query, NotADocumentPath);
}
