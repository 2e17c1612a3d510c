using System.Collections.ObjectModel;
using CsCheck;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Query;
using TodoFunctions.CosmosEmulator.Tests.Partitions;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Query;

/// <summary>
/// ORDER BY pages served from the emulator's ordered index, through the real SDK, against the full evaluation
/// (<see cref="CosmosSqlQuery.Execute"/> over every item read back): the same results in the same order, with
/// writes and a split between pages, at a modelled cost that does not grow with the container.
/// </summary>
public sealed class OrderedIndexTests : IAsyncLifetime
{
    private const string ListQuery = "SELECT * FROM c WHERE c.deleted = false AND c.version > 0 ORDER BY c.listPosition";

    private static readonly Gen<JToken?> SortValue = Gen.Int[0, 8].SelectMany(kind => Gen.Int[-3, 3].Select(n => kind switch
    {
        0 => null,
        1 => JValue.CreateNull(),
        2 => new JValue(n > 0),
        3 => new JValue(n),
        4 => new JValue(n + 0.5),
        5 => new JValue(new[] { "", "a", "B", "ab", "é", "b" }[n + 3 < 6 ? n + 3 : 5]),
        6 => new JArray(n),
        7 => new JObject { ["a"] = n },
        _ => (JToken)new JValue(n.ToString()),
    }));

    private static readonly Gen<List<JObject>> Documents =
        Gen.Select(SortValue, Gen.Int[-2, 3], Gen.Int[0, 4], SortValue).List[0, 60].Select(values => values.Select((value, index) =>
        {
            var (k, n, partition, nested) = value;
            var document = new JObject { ["id"] = $"d{index:D2}", ["pk"] = $"p{partition}", ["n"] = n, ["o"] = new JObject(), ["arr"] = new JArray() };
            if (k is not null) document["k"] = k;
            if (nested is not null)
            {
                ((JObject)document["o"]!)["a"] = nested;
                ((JArray)document["arr"]!).Add(nested);
            }
            return document;
        }).ToList());

    private static readonly Gen<(string Query, int PageSize)> Queries = Gen.Select(
        Gen.OneOf("*", "VALUE c.id", "c.id, c.k", "DISTINCT VALUE c.n", "TOP 6 VALUE c.id", "VALUE c.k"),
        Gen.OneOf(
            "", " WHERE c.n > 0", " WHERE IS_DEFINED(c.k)", " WHERE c.pk != 'p1'", " WHERE c.k > 0", " WHERE c.k >= 'a' AND c.k < 'b'",
            " WHERE 'a' >= c.k AND c.pk != 'p1'", " WHERE -2 < c.n AND c.n <= 1 AND c.n < 3", " WHERE c.n >= 1 OR c.n < -1"),
        Gen.OneOf("c.k", "c.k DESC", "c.n", "c.n DESC", "c.o.a", "c.arr[0] DESC", "c.n, c.k", "c.n DESC, c.k DESC"),
        Gen.OneOf("", " OFFSET 3 LIMIT 10"),
        Gen.Int[1, 7]).Select((select, where, orderBy, tail, pageSize) => ($"SELECT {select} FROM c{where} ORDER BY {orderBy}{tail}", pageSize));

    private CosmosEmulatorServer server = null!;
    private CosmosClient client = null!;
    private Database database = null!;

    public async Task InitializeAsync()
    {
        server = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { PartitionKeyRanges = 4 });
        client = PartitionedEmulator.NewClient(server);
        database = (await client.CreateDatabaseAsync("ordered")).Database;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await server.DisposeAsync();
    }

    [EmbeddedEmulatorFact]
    public Task Ordered_pages_from_the_index_equal_the_full_evaluation_for_random_items_and_queries() =>
        Gen.Select(Documents, Queries).SampleAsync(async (documents, query) =>
        {
            var container = await RandomContainerAsync(documents);
            try
            {
                var expected = CosmosSqlQuery.Parse(query.Query).Execute(await AllItemsAsync(container), new Dictionary<string, JToken>());
                var actual = await PagesAsync(container, new QueryDefinition(query.Query), query.PageSize);

                Assert.Equal(expected.Select(Compact), actual.SelectMany(page => page).Select(Compact));
            }
            finally
            {
                await container.DeleteContainerAsync();
            }
        }, iter: 40, threads: 1);

    [EmbeddedEmulatorFact]
    public Task Ordered_pages_within_one_partition_from_its_index_equal_the_full_evaluation_of_that_partition() =>
        Gen.Select(Documents, Queries, Gen.Int[0, 4]).SampleAsync(async (documents, query, partition) =>
        {
            var container = await RandomContainerAsync(documents);
            try
            {
                var inPartition = (await AllItemsAsync(container)).Where(document => document.Value<string>("pk") == $"p{partition}");
                var expected = CosmosSqlQuery.Parse(query.Query).Execute(inPartition, new Dictionary<string, JToken>());
                var actual = await PagesAsync<JToken>(container, new QueryDefinition(query.Query), query.PageSize, new PartitionKey($"p{partition}"));

                Assert.Equal(expected.Select(Compact), actual.SelectMany(page => page).Select(Compact));
            }
            finally
            {
                await container.DeleteContainerAsync();
            }
        }, iter: 40, threads: 1);

    /// <summary>A stream's prefix or page, as the app reads one todo's events: the partition's items past the bound are not loaded.</summary>
    [EmbeddedEmulatorFact]
    public async Task A_page_within_one_partition_bounded_on_its_sort_key_costs_the_same_whatever_the_partition_holds_past_the_bound()
    {
        var container = (await database.CreateContainerAsync(new ContainerProperties("streams", "/pk"))).Container;
        foreach (var (partition, length) in new[] { ("short", 10), ("long", 1000) })
            for (var version = 1; version <= length; version++)
                await container.CreateItemAsync(new JObject { ["id"] = $"{partition}:{version}", ["pk"] = partition, ["version"] = version }, new PartitionKey(partition));

        async Task<(int Items, double Charge)> ReadAsync(string partition, string query)
        {
            var pages = new List<FeedResponse<JObject>>();
            using var iterator = container.GetItemQueryIterator<JObject>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(partition) });
            while (iterator.HasMoreResults) pages.Add(await iterator.ReadNextAsync());
            return (pages.Sum(page => page.Count), pages.Sum(page => page.RequestCharge));
        }

        const string UpTo10 = "SELECT * FROM c WHERE c.version <= 10 ORDER BY c.version";
        Assert.Equal(await ReadAsync("short", UpTo10), await ReadAsync("long", UpTo10));
        Assert.Equal(
            await ReadAsync("long", "SELECT TOP 11 * FROM c WHERE c.version >= 1 ORDER BY c.version"),
            await ReadAsync("long", "SELECT TOP 11 * FROM c WHERE c.version >= 500 ORDER BY c.version"));
    }

    /// <summary>Each page is the first page of the full evaluation, at the moment of the request, of the items after
    /// the previous page's last one (positions are unique, so "after it" is a filter); between pages other clients
    /// create, delete and move items, and a range splits.</summary>
    [EmbeddedEmulatorFact]
    public async Task Pages_walked_while_others_write_and_a_range_splits_are_the_full_evaluation_after_the_cursor()
    {
        var container = (await database.CreateContainerAsync("walked", "/id")).Container;
        var positions = new Random(10);
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (index, _) =>
            await container.CreateItemAsync(ListItem($"t{index:D5}", $"{index * 10:D6}", deleted: index % 25 == 0), new PartitionKey($"t{index:D5}")));
        var untouched = (await AllItemsAsync(container)).Where(item => !item.Value<bool>("deleted")).Select(item => item.Value<string>("id")!).ToHashSet();
        var seen = new List<string>();
        var lastPosition = "";

        using var iterator = container.GetItemQueryIterator<JObject>(ListQuery, requestOptions: new QueryRequestOptions { MaxItemCount = 50 });
        for (var page = 0; iterator.HasMoreResults; page++)
        {
            var expected = Execute(ListQuery.Replace("ORDER BY", "AND c.listPosition > @after ORDER BY"), await AllItemsAsync(container), lastPosition);
            var actual = (await iterator.ReadNextAsync()).ToList();
            Assert.Equal(expected.Take(50).Select(item => item.Value<string>("id")), actual.Select(item => item.Value<string>("id")));
            seen.AddRange(actual.Select(item => item.Value<string>("id")!));
            lastPosition = actual.LastOrDefault()?.Value<string>("listPosition") ?? lastPosition;

            for (var write = 0; write < 3; write++)
            {
                var created = $"n{page:D2}-{write}";
                await container.CreateItemAsync(ListItem(created, $"{positions.Next(20000):D6}-{created}", deleted: false), new PartitionKey(created));
                var changed = $"t{(page * 3 + write) * 13 % 2000:D5}";
                untouched.Remove(changed);
                if (write == 0) await container.DeleteItemAsync<JObject>(changed, new PartitionKey(changed));
                else await container.UpsertItemAsync(ListItem(changed, $"{positions.Next(20000):D6}-{changed}", deleted: write == 2), new PartitionKey(changed));
            }
            if (page == 5) server.SplitPartitionKeyRange("ordered", "walked", "0");
        }

        Assert.True(seen.Count > 1900, $"{seen.Count} items seen");
        Assert.All(untouched, id => Assert.Single(seen, id));
    }

    /// <summary>Writers race the pages (no pause between them): the walk returns positions in strictly increasing
    /// order and every item no writer touched exactly once.</summary>
    [EmbeddedEmulatorFact]
    public async Task Pages_walked_while_writers_run_concurrently_return_every_untouched_item_once_in_order()
    {
        var container = (await database.CreateContainerAsync("raced", "/id")).Container;
        await Parallel.ForEachAsync(Enumerable.Range(0, 1500), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (index, _) =>
            await container.CreateItemAsync(ListItem($"t{index:D5}", $"{index * 10:D6}", deleted: false), new PartitionKey($"t{index:D5}")));
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var write = 0; !stop.IsCancellationRequested; write++)
            {
                var id = $"w{writer}-{write % 50:D2}";
                await container.UpsertItemAsync(ListItem(id, $"{write * 7919 % 15000:D6}-{id}", deleted: write % 3 == 0), new PartitionKey(id));
            }
        })).ToList();

        var returned = new List<JObject>();
        using (var iterator = container.GetItemQueryIterator<JObject>(ListQuery, requestOptions: new QueryRequestOptions { MaxItemCount = 40 }))
            while (iterator.HasMoreResults)
                returned.AddRange(await iterator.ReadNextAsync());
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var positions = returned.Select(item => item.Value<string>("listPosition")!).ToList();
        Assert.Equal(positions.Order(StringComparer.Ordinal), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
        var ids = returned.Select(item => item.Value<string>("id")!).Where(id => id.StartsWith('t')).ToList();
        Assert.Equal(Enumerable.Range(0, 1500).Select(index => $"t{index:D5}"), ids);
    }

    [EmbeddedEmulatorFact]
    public async Task The_modelled_charge_of_the_first_and_fifth_page_at_20k_items_is_within_1_2x_of_that_at_1k()
    {
        var atOneThousand = await PageChargesAsync(await ListContainerAsync("thousand", 1000));
        var atTwentyThousand = await PageChargesAsync(await ListContainerAsync("twenty-thousand", 20000));

        Assert.InRange(atTwentyThousand[0] / atOneThousand[0], 0, 1.2);
        Assert.InRange(atTwentyThousand[4] / atOneThousand[4], 0, 1.2);
    }

    /// <summary>A keyset page: the walk seeks to the filter's lower bound on the sort key instead of filtering its way there.</summary>
    [EmbeddedEmulatorFact]
    public async Task A_page_after_a_position_in_the_middle_costs_what_the_first_page_costs()
    {
        var container = await ListContainerAsync("keyset", 5000);

        var first = await KeysetPageAsync(container, after: "");
        var middle = await KeysetPageAsync(container, after: "002500");

        Assert.Equal(50, middle.Count);
        Assert.True(middle.RequestCharge <= 1.2 * first.RequestCharge, $"first page {first.RequestCharge} RU, from the middle {middle.RequestCharge} RU");
    }

    /// <summary>Tombstones sort at "9", after every live position: a walk bounded below them stops there instead of loading them all.</summary>
    [EmbeddedEmulatorFact]
    public async Task After_most_items_become_tombstones_a_page_reaching_the_end_of_the_live_range_costs_no_more_than_a_full_page_before()
    {
        const int Items = 5000, Live = 40;
        var container = await ListContainerAsync("tombstones", Items);
        var before = await KeysetPageAsync(container, after: "");
        for (var partition = 0; partition < 100; partition++)
        {
            var batch = container.CreateTransactionalBatch(new PartitionKey($"p{partition}"));
            foreach (var index in Enumerable.Range(0, Items - Live).Where(index => index % 100 == partition))
                batch.UpsertItem(Tombstone($"t{index:D5}", $"p{partition}"));
            using var response = await batch.ExecuteAsync();
            Assert.True(response.IsSuccessStatusCode, $"batch answered {response.StatusCode}");
        }
        var after = await KeysetPageAsync(container, after: "");

        Assert.InRange(after.Count, 1, Live);
        Assert.True(after.RequestCharge <= 1.2 * before.RequestCharge, $"before the deletes {before.RequestCharge} RU, after them {after.RequestCharge} RU");
    }

    /// <summary>The first page of 50 of the app's list query, after <paramref name="after"/> and below the tombstones.</summary>
    private static async Task<FeedResponse<JObject>> KeysetPageAsync(Container container, string after)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.listPosition > @after AND c.listPosition < '9' ORDER BY c.listPosition")
            .WithParameter("@after", after);
        using var iterator = container.GetItemQueryIterator<JObject>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 50 });
        return await iterator.ReadNextAsync();
    }

    private async Task<Container> ListContainerAsync(string id, int items)
    {
        const int Partitions = 100;
        var container = (await database.CreateContainerAsync(id, "/pk")).Container;
        for (var partition = 0; partition < Partitions; partition++)
        {
            var perPartition = Enumerable.Range(0, items).Where(index => index % Partitions == partition).ToList();
            foreach (var chunk in perPartition.Chunk(100))
            {
                var batch = container.CreateTransactionalBatch(new PartitionKey($"p{partition}"));
                foreach (var index in chunk)
                    batch.CreateItem(ListItem($"t{index:D5}", $"{index:D6}", deleted: index % 20 == 0, $"p{partition}"));
                using var response = await batch.ExecuteAsync();
                Assert.True(response.IsSuccessStatusCode, $"batch answered {response.StatusCode}");
            }
        }
        return container;
    }

    /// <summary>A container of its own holding <paramref name="documents"/>, with the composite index the generated two-key ORDER BYs need.</summary>
    private async Task<Container> RandomContainerAsync(List<JObject> documents)
    {
        var properties = new ContainerProperties($"random-{Guid.NewGuid():N}", "/pk");
        properties.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath> { new() { Path = "/n" }, new() { Path = "/k" } });
        var container = (await database.CreateContainerAsync(properties)).Container;
        foreach (var document in documents)
            await container.CreateItemAsync(document, new PartitionKey(document.Value<string>("pk")));
        return container;
    }

    private static async Task<List<double>> PageChargesAsync(Container container)
    {
        var charges = new List<double>();
        using var iterator = container.GetItemQueryIterator<JObject>(ListQuery, requestOptions: new QueryRequestOptions { MaxItemCount = 50 });
        while (charges.Count < 5)
            charges.Add((await iterator.ReadNextAsync()).RequestCharge);
        return charges;
    }

    /// <summary>A read-model item as the app's list pages it: tombstones sort after every live item.</summary>
    private static JObject ListItem(string id, string position, bool deleted, string? partition = null) => new()
    {
        ["id"] = id,
        ["pk"] = partition ?? id,
        ["title"] = $"todo {id}",
        ["deleted"] = deleted,
        ["version"] = 1,
        ["listPosition"] = deleted ? "~" + position : position,
    };

    /// <summary>A deleted todo as the app's projector leaves it: at "9", after every live position.</summary>
    private static JObject Tombstone(string id, string partition)
    {
        var tombstone = ListItem(id, "", deleted: true, partition);
        tombstone["listPosition"] = "9";
        return tombstone;
    }

    private static IReadOnlyList<JToken> Execute(string query, IEnumerable<JObject> items, string after) =>
        CosmosSqlQuery.Parse(query).Execute(items, new Dictionary<string, JToken> { ["@after"] = after });

    /// <summary>Every item, by a feed read without a query (not served by an index).</summary>
    private static async Task<List<JObject>> AllItemsAsync(Container container) =>
        (await PagesAsync<JObject>(container, null, pageSize: null)).SelectMany(page => page).ToList();

    private static Task<List<List<JToken>>> PagesAsync(Container container, QueryDefinition query, int pageSize) =>
        PagesAsync<JToken>(container, query, pageSize);

    private static async Task<List<List<T>>> PagesAsync<T>(Container container, QueryDefinition? query, int? pageSize, PartitionKey? partition = null)
    {
        var pages = new List<List<T>>();
        using var iterator = container.GetItemQueryIterator<T>(query, requestOptions: new QueryRequestOptions { MaxItemCount = pageSize, PartitionKey = partition });
        while (iterator.HasMoreResults)
            pages.Add([.. await iterator.ReadNextAsync()]);
        return pages;
    }

    private static string Compact(JToken token) => token.ToString(Formatting.None);
}
