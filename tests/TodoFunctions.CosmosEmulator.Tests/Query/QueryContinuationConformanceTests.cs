using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Query;

/// <summary>
/// A query resumed from its continuation token, after other items were inserted and deleted meanwhile, neither
/// repeats nor skips an item that existed throughout.
/// </summary>
public sealed class QueryContinuationConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private CosmosClient _client = null!;
    private Database _database = null!;
    private Container _container = null!;

    public async Task InitializeAsync()
    {
        _client = endpoint.CreateClient();
        _database = (await _client.CreateDatabaseAsync(endpoint.UniqueName("resume"))).Database;
    }

    public async Task DisposeAsync()
    {
        await _database.DeleteAsync();
        _client.Dispose();
    }

    /// <summary>Items i01 to i09 with n = 1 to 9, spread over three partitions, and tags that repeat.</summary>
    private async Task SeedAsync()
    {
        _container = (await _database.CreateContainerAsync(endpoint.UniqueName("items"), "/pk")).Container;
        for (var n = 1; n <= 9; n++)
            await Create($"i{n:00}", n, tag: (n % 3) switch { 1 => "red", 2 => "green", _ => "blue" });
    }

    private Task Create(string id, double n, string tag = "none") =>
        _container.CreateItemAsync(new JObject { ["id"] = id, ["pk"] = $"p{id[^1]}", ["n"] = n, ["tag"] = tag });

    private async Task Delete(params string[] ids)
    {
        var items = await Drain<JObject>(new QueryDefinition("SELECT c.id, c.pk FROM c"), null, 100);
        foreach (var item in items.Where(item => ids.Contains(item.Value<string>("id"))))
            await _container.DeleteItemAsync<JObject>(item.Value<string>("id"), new PartitionKey(item.Value<string>("pk")));
    }

    private async Task<List<T>> Drain<T>(QueryDefinition query, string? continuation, int pageSize)
    {
        var results = new List<T>();
        using var iterator = _container.GetItemQueryIterator<T>(query, continuation, new QueryRequestOptions { MaxItemCount = pageSize });
        while (iterator.HasMoreResults) results.AddRange(await iterator.ReadNextAsync());
        return results;
    }

    /// <summary>Reads the first page, applies <paramref name="changes"/>, then resumes from the first page's token in a new iterator.</summary>
    private async Task<(List<string> FirstPage, List<string> Remaining)> ResumeAfter(string query, int pageSize, Func<Task> changes)
    {
        await SeedAsync();
        FeedResponse<string> first;
        using (var iterator = _container.GetItemQueryIterator<string>(query, requestOptions: new QueryRequestOptions { MaxItemCount = pageSize }))
            first = await iterator.ReadNextAsync();
        Assert.NotNull(first.ContinuationToken);
        await changes();
        return ([.. first], await Drain<string>(new QueryDefinition(query), first.ContinuationToken, pageSize));
    }

    [Fact]
    public async Task An_unordered_query_resumes_without_repeating_or_skipping_an_item_that_existed_throughout()
    {
        var (first, rest) = await ResumeAfter("SELECT VALUE c.id FROM c", 3, async () =>
        {
            await Delete("i01", "i05");
            await Create("i10", 10);
        });

        var all = first.Concat(rest).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(["i02", "i03", "i04", "i06", "i07", "i08", "i09"], all.Except(["i01", "i10"]).Order());
    }

    [Fact]
    public async Task An_order_by_query_resumes_after_the_last_item_returned_when_items_before_and_after_it_change()
    {
        var (first, rest) = await ResumeAfter("SELECT VALUE c.id FROM c ORDER BY c.n", 3, async () =>
        {
            await Delete("i01", "i02", "i06");
            await Create("i00", 0);
            await Create("i45", 4.5);
        });

        Assert.Equal(["i01", "i02", "i03"], first);
        Assert.Equal(["i04", "i05", "i07", "i08", "i09"], rest.Except(["i45"]));
    }

    [Fact]
    public async Task Offset_limit_keeps_its_count_across_pages_when_items_before_and_after_the_position_are_deleted()
    {
        var (first, rest) = await ResumeAfter("SELECT VALUE c.id FROM c ORDER BY c.n OFFSET 2 LIMIT 5", 2, () => Delete("i01", "i02", "i08"));

        Assert.Equal(["i03", "i04"], first);
        Assert.Equal(["i05", "i06", "i07"], rest);
    }

    [Fact]
    public async Task Top_keeps_its_count_across_pages_when_items_before_the_position_change()
    {
        var (first, rest) = await ResumeAfter("SELECT TOP 5 VALUE c.id FROM c ORDER BY c.n", 2, async () =>
        {
            await Delete("i01", "i02");
            await Create("i00", 0);
        });

        Assert.Equal(["i01", "i02"], first);
        Assert.Equal(["i03", "i04", "i05"], rest);
    }

    [Fact]
    public async Task Distinct_values_stay_distinct_across_pages_when_the_item_that_gave_a_value_is_deleted()
    {
        var (first, rest) = await ResumeAfter("SELECT DISTINCT VALUE c.tag FROM c", 1, () => Delete("i01"));

        Assert.Single(first);
        Assert.Equal(["blue", "green", "red"], first.Concat(rest).Order());
    }

    [Fact]
    public async Task A_continuation_token_the_service_did_not_issue_answers_400()
    {
        await SeedAsync();
        const string forged = """[{"token":"bm90IGEgdG9rZW4=","range":{"min":"","max":"FF"}}]""";

        var error = await Assert.ThrowsAsync<CosmosException>(() => Drain<string>(new QueryDefinition("SELECT VALUE c.id FROM c"), forged, 3));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }
}
