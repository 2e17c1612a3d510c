using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Query;

/// <summary>With <see cref="ShortQueryPages"/> on, pages come short or empty, as the service may send them: only a loop that drains until no more results are left gets every item.</summary>
public sealed class ShortQueryPagesTests : IAsyncLifetime
{
    private const int PageSize = 5;
    private const int ItemCount = 40;
    private const string Query = "SELECT VALUE c.id FROM c";

    private CosmosEmulatorServer _emulator = null!;
    private CosmosClient _client = null!;
    private Container _container = null!;

    public async Task InitializeAsync()
    {
        _emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { ShortQueryPages = new ShortQueryPages(Seed: 8) });
        _client = EmbeddedEmulatorTests.Client(_emulator);
        var database = (await _client.CreateDatabaseAsync("short-pages")).Database;
        _container = (await database.CreateContainerAsync("items", "/pk")).Container;
        for (var n = 0; n < ItemCount; n++)
            await _container.CreateItemAsync(new JObject { ["id"] = $"i{n:00}", ["pk"] = $"p{n % 4}" });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    private FeedIterator<string> Iterator() =>
        _container.GetItemQueryIterator<string>(Query, requestOptions: new QueryRequestOptions { MaxItemCount = PageSize });

    [EmbeddedEmulatorFact]
    public async Task Draining_until_no_more_results_gets_every_item_exactly_once_though_pages_come_short_or_empty()
    {
        var ids = new List<string>();
        var shortPagesWithMoreToCome = 0;
        using var iterator = Iterator();
        while (iterator.HasMoreResults)
        {
            var page = await iterator.ReadNextAsync();
            ids.AddRange(page);
            if (page.Count < PageSize && iterator.HasMoreResults) shortPagesWithMoreToCome++;
        }

        Assert.Equal(Enumerable.Range(0, ItemCount).Select(n => $"i{n:00}"), ids.Order());
        Assert.True(shortPagesWithMoreToCome > 0, "No page came short, so the option did not bite.");
    }

    [EmbeddedEmulatorFact]
    public async Task A_loop_that_stops_on_the_first_short_page_misses_items()
    {
        var ids = new List<string>();
        using var iterator = Iterator();
        FeedResponse<string> page;
        do
        {
            page = await iterator.ReadNextAsync();
            ids.AddRange(page);
        }
        while (page.Count == PageSize);

        Assert.True(ids.Count < ItemCount, $"The loop got all {ItemCount} items.");
    }

    [EmbeddedEmulatorFact]
    public async Task With_every_page_cut_and_one_item_a_page_the_query_still_reaches_its_end()
    {
        await using var everyPageCut = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { ShortQueryPages = new ShortQueryPages(Seed: 8, Probability: 1) });
        using var client = EmbeddedEmulatorTests.Client(everyPageCut);
        var container = (await (await client.CreateDatabaseAsync("every-page-cut")).Database.CreateContainerAsync("items", "/pk")).Container;
        for (var n = 0; n < 10; n++)
            await container.CreateItemAsync(new JObject { ["id"] = $"i{n}", ["pk"] = "p" });

        var ids = new List<string>();
        using var iterator = container.GetItemQueryIterator<string>(Query, requestOptions: new QueryRequestOptions { MaxItemCount = 1 });
        for (var pages = 0; iterator.HasMoreResults && pages < 100; pages++)
            ids.AddRange(await iterator.ReadNextAsync());

        Assert.False(iterator.HasMoreResults, "100 pages did not reach the end: empty pages followed each other.");
        Assert.Equal(10, ids.Count);
    }

    [Fact]
    public void A_share_of_cut_pages_outside_0_to_1_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShortQueryPages(Seed: 8, Probability: 1.5));
}
