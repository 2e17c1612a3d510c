using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.CosmosEmulator.Tests.Partitions;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Batch;

/// <summary>
/// The SDK's bulk mode (<c>AllowBulkExecution</c>) against the emulator: concurrent point operations that the SDK
/// groups per partition key range into non-atomic batches, where each operation applies or fails on its own.
/// </summary>
public sealed class BulkConformanceTests : IAsyncLifetime
{
    private const int Ranges = 3;
    private static readonly PartitionKey Mixed = new("mixed");

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"emulator-bulk-{Guid.NewGuid():N}");
    private PartitionedEmulator emulator = null!;
    private CosmosClient bulkClient = null!;
    private Container bulk = null!;
    private Container plain = null!;

    public async Task InitializeAsync()
    {
        emulator = await PartitionedEmulator.StartAsync(new CosmosEmulatorOptions { PartitionKeyRanges = Ranges, DataDirectory = dataDirectory });
        await (await emulator.Client.CreateDatabaseAsync("bulk")).Database.CreateContainerAsync("items", "/pk");
        ConnectClients();
    }

    public async Task DisposeAsync()
    {
        bulkClient.Dispose();
        await emulator.DisposeAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }

    [EmbeddedEmulatorFact]
    public async Task Thousands_of_creates_across_many_partition_keys_and_ranges_go_as_batches_and_all_land()
    {
        RecordEveryRequest();
        var items = Enumerable.Range(0, 3000).Select(i => Item($"item-{i}", $"tenant-{i % 300}", "new")).ToList();

        var responses = await Task.WhenAll(items.Select(item => bulk.CreateItemAsync(item, KeyOf(item))));
        var requests = emulator.Server.Faults.Injected;

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        var perRange = await PartitionedEmulator.IdsPerFeedRangeAsync(plain);
        Assert.Equal(Ranges, perRange.Count);
        Assert.All(perRange, ids => Assert.NotEmpty(ids));
        Assert.Equal(items.Select(IdOf).Order(), perRange.SelectMany(ids => ids).Order());
        var reads = await Task.WhenAll(items.Select(item => bulk.ReadItemAsync<JObject>(IdOf(item), KeyOf(item))));
        Assert.Equal(items.Select(IdOf), reads.Select(read => IdOf(read.Resource)));
        Assert.DoesNotContain(requests, request => request.Operation == FaultOperation.Create);
        Assert.InRange(requests.Count(request => request.Operation == FaultOperation.Batch), Ranges, items.Count / 10);
    }

    [EmbeddedEmulatorFact]
    public async Task A_conflict_a_missing_item_a_stale_if_match_and_a_too_large_item_fail_only_their_own_operations()
    {
        await plain.CreateItemAsync(Item("existing", "mixed", "original"), Mixed);
        var staleETag = (await plain.CreateItemAsync(Item("guarded", "mixed", "v1"), Mixed)).ETag;
        await plain.UpsertItemAsync(Item("guarded", "mixed", "v2"), Mixed);

        var fresh = Enumerable.Range(0, 20).Select(i => StatusOf(bulk.CreateItemAsync(Item($"fresh-{i}", "mixed", "new"), Mixed))).ToList();
        var duplicate = StatusOf(bulk.CreateItemAsync(Item("existing", "mixed", "duplicate"), Mixed));
        var missing = StatusOf(bulk.ReplaceItemAsync(Item("missing", "mixed", "never"), "missing", Mixed));
        var stale = StatusOf(bulk.ReplaceItemAsync(Item("guarded", "mixed", "v3"), "guarded", Mixed, new ItemRequestOptions { IfMatchEtag = staleETag }));
        var tooLarge = StatusOf(bulk.CreateItemAsync(Item("huge", "mixed", new string('x', 2 * 1024 * 1024)), Mixed));

        Assert.All(await Task.WhenAll(fresh), status => Assert.Equal(HttpStatusCode.Created, status));
        Assert.Equal(HttpStatusCode.Conflict, await duplicate);
        Assert.Equal(HttpStatusCode.NotFound, await missing);
        Assert.Equal(HttpStatusCode.PreconditionFailed, await stale);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await tooLarge);
        Assert.Equal(20, (await IdsAsync()).Count(id => id.StartsWith("fresh-", StringComparison.Ordinal)));
        Assert.Equal("original", await TitleAsync("existing", Mixed));
        Assert.Equal("v2", await TitleAsync("guarded", Mixed));
        Assert.Null(await TitleAsync("missing", Mixed));
        Assert.Null(await TitleAsync("huge", Mixed));
    }

    [EmbeddedEmulatorFact]
    public async Task Upserts_replaces_patches_deletes_and_reads_in_bulk_each_answer_as_the_point_operation()
    {
        var seeded = await SeedAsync(100);
        var etags = seeded.ToDictionary(response => IdOf(response.Resource), response => response.ETag);

        var upserted = Range(0, 20).Select(i => StatusOf(bulk.UpsertItemAsync(Item($"s{i}", Tenant(i), "upserted"), new PartitionKey(Tenant(i))))).ToList();
        var added = Range(100, 10).Select(i => StatusOf(bulk.UpsertItemAsync(Item($"s{i}", Tenant(i), "added"), new PartitionKey(Tenant(i))))).ToList();
        var patched = Range(20, 20).Select(i => StatusOf(bulk.PatchItemAsync<JObject>($"s{i}", new PartitionKey(Tenant(i)),
            [PatchOperation.Set("/title", "patched"), PatchOperation.Increment("/n", 1)]))).ToList();
        var deleted = Range(40, 20).Select(i => StatusOf(bulk.DeleteItemAsync<JObject>($"s{i}", new PartitionKey(Tenant(i))))).ToList();
        var reads = Range(60, 20).Select(i => bulk.ReadItemAsync<JObject>($"s{i}", new PartitionKey(Tenant(i)))).ToList();
        var replaced = Range(80, 20).Select(i => StatusOf(bulk.ReplaceItemAsync(Item($"s{i}", Tenant(i), "replaced"), $"s{i}",
            new PartitionKey(Tenant(i)), new ItemRequestOptions { IfMatchEtag = etags[$"s{i}"] }))).ToList();

        Assert.All(await Task.WhenAll(upserted), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.All(await Task.WhenAll(added), status => Assert.Equal(HttpStatusCode.Created, status));
        Assert.All(await Task.WhenAll(patched), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.All(await Task.WhenAll(deleted), status => Assert.Equal(HttpStatusCode.NoContent, status));
        Assert.All(await Task.WhenAll(replaced), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.All(await Task.WhenAll(reads), read =>
        {
            Assert.Equal("seeded", Title(read.Resource));
            Assert.Equal(etags[IdOf(read.Resource)], read.ETag);
        });
        var titles = (await PartitionedEmulator.ChangesPerFeedRangeAsync(plain)).ToDictionary(IdOf, Title);
        Assert.Equal(90, titles.Count);
        Assert.All(Range(0, 20), i => Assert.Equal("upserted", titles[$"s{i}"]));
        Assert.All(Range(20, 20), i => Assert.Equal("patched", titles[$"s{i}"]));
        Assert.All(Range(40, 20), i => Assert.False(titles.ContainsKey($"s{i}")));
        Assert.All(Range(80, 20), i => Assert.Equal("replaced", titles[$"s{i}"]));
        Assert.All(Range(100, 10), i => Assert.Equal("added", titles[$"s{i}"]));
    }

    [EmbeddedEmulatorFact]
    public async Task The_change_feed_sees_each_successful_bulk_write_once_with_its_own_lsn()
    {
        await SeedAsync(200);
        var duplicates = Range(0, 10).Select(i => StatusOf(bulk.CreateItemAsync(Item($"s{i}", Tenant(i), "duplicate"), new PartitionKey(Tenant(i))))).ToList();
        Assert.All(await Task.WhenAll(duplicates), status => Assert.Equal(HttpStatusCode.Conflict, status));

        var changes = await PartitionedEmulator.ChangesPerFeedRangeAsync(plain, pageSize: 7);

        Assert.Equal(Range(0, 200).Select(i => $"s{i}").Order(), changes.Select(IdOf).Order());
        Assert.All(changes, change => Assert.Equal("seeded", Title(change)));
        Assert.Equal(200, changes.Select(change => change.Value<long>("_lsn")).Distinct().Count());
    }

    [EmbeddedEmulatorFact]
    public async Task Bulk_writes_are_journaled_and_replayed_after_a_restart_on_the_data_directory()
    {
        await SeedAsync(300);
        await Task.WhenAll(Range(0, 50).Select(i => bulk.DeleteItemAsync<JObject>($"s{i}", new PartitionKey(Tenant(i)))));
        await Task.WhenAll(Range(50, 50).Select(i => bulk.PatchItemAsync<JObject>($"s{i}", new PartitionKey(Tenant(i)), [PatchOperation.Set("/title", "patched")])));
        var before = Snapshot(await PartitionedEmulator.ChangesPerFeedRangeAsync(plain));

        bulkClient.Dispose();
        await emulator.DisposeAsync();
        emulator = await PartitionedEmulator.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory });
        ConnectClients();

        var after = Snapshot(await PartitionedEmulator.ChangesPerFeedRangeAsync(plain));
        Assert.Equal(250, after.Count);
        Assert.Equal(before, after);
        Assert.Equal("patched", await TitleAsync("s50", new PartitionKey(Tenant(50))));
    }

    [EmbeddedEmulatorFact]
    public async Task Throttled_bulk_requests_are_retried_by_the_sdk_until_every_operation_lands()
    {
        emulator.Server.Faults.Install(new FaultPlan
        {
            Seed = 1,
            Rules = [new FaultRule { Operations = [FaultOperation.Batch], Outcome = FaultOutcome.Throttle, Next = 2, RetryAfterMs = 10 }],
        });

        await SeedAsync(500);

        Assert.Contains(emulator.Server.Faults.Injected, fault => fault is { Kind: FaultOutcome.Throttle, Operation: FaultOperation.Batch });
        Assert.Equal(500, (await IdsAsync()).Count);
    }

    [EmbeddedEmulatorFact]
    public async Task After_a_split_bulk_requests_to_the_parent_answer_410_1002_and_the_sdk_reroutes_them_to_the_children()
    {
        await SeedAsync(100);
        emulator.Server.SplitPartitionKeyRange("bulk", "items", "0");
        using var toParent = await emulator.SendAsync(HttpMethod.Post, "/dbs/bulk/colls/items/docs", new Dictionary<string, string>
        {
            ["x-ms-cosmos-is-batch-request"] = "True",
            ["x-ms-cosmos-batch-atomic"] = "False",
            ["x-ms-cosmos-batch-continue-on-error"] = "True",
            ["x-ms-documentdb-partitionkeyrangeid"] = "0",
        });

        var later = Range(100, 200).Select(i => bulk.CreateItemAsync(Item($"s{i}", Tenant(i), "after split"), new PartitionKey(Tenant(i)))).ToList();

        Assert.Equal(HttpStatusCode.Gone, toParent.StatusCode);
        Assert.Equal("1002", toParent.Headers.GetValues("x-ms-substatus").Single());
        Assert.All(await Task.WhenAll(later), response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        Assert.Equal(300, (await IdsAsync()).Count);
        Assert.Equal(Ranges + 1, (await plain.GetFeedRangesAsync()).Count);
    }

    [EmbeddedEmulatorFact]
    public async Task Operations_sent_to_a_range_that_does_not_hold_their_partition_keys_answer_410_1002_and_the_sdk_sends_them_again()
    {
        using var misrouting = new MisroutingHandler();
        using var client = new CosmosClient(emulator.Server.ConnectionString, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            AllowBulkExecution = true,
            HttpClientFactory = () => new HttpClient(misrouting, disposeHandler: false),
        });
        var container = client.GetContainer("bulk", "items");

        var responses = await Task.WhenAll(Range(0, 50).Select(i => container.CreateItemAsync(Item($"s{i}", Tenant(i), "x"), new PartitionKey(Tenant(i)))));

        Assert.Equal(HttpStatusCode.MultiStatus, misrouting.MisroutedStatus);
        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        Assert.Equal(50, (await IdsAsync()).Count);
    }

    private void ConnectClients()
    {
        bulkClient = new CosmosClient(emulator.Server.ConnectionString, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            AllowBulkExecution = true,
        });
        bulk = bulkClient.GetContainer("bulk", "items");
        plain = emulator.Client.GetContainer("bulk", "items");
    }

    // A latency fault on every request records each one with its kind, so a test can see what the SDK sent.
    private void RecordEveryRequest() => emulator.Server.Faults.Install(new FaultPlan
    {
        Seed = 1,
        Rules = [new FaultRule { Outcome = FaultOutcome.Latency, LatencyMs = 1 }],
    });

    private async Task<ItemResponse<JObject>[]> SeedAsync(int count)
    {
        var responses = await Task.WhenAll(Range(0, count).Select(i => bulk.CreateItemAsync(Item($"s{i}", Tenant(i), "seeded"), new PartitionKey(Tenant(i)))));
        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        return responses;
    }

    private async Task<List<string>> IdsAsync() => [.. (await PartitionedEmulator.IdsPerFeedRangeAsync(plain)).SelectMany(ids => ids)];

    private async Task<string?> TitleAsync(string id, PartitionKey partitionKey)
    {
        using var response = await plain.ReadItemStreamAsync(id, partitionKey);
        return response.IsSuccessStatusCode ? Title(JObject.Parse(await new StreamReader(response.Content).ReadToEndAsync())) : null;
    }

    private static async Task<HttpStatusCode> StatusOf<T>(Task<ItemResponse<T>> operation)
    {
        try
        {
            return (await operation).StatusCode;
        }
        catch (CosmosException failed)
        {
            return failed.StatusCode;
        }
    }

    private static IEnumerable<int> Range(int start, int count) => Enumerable.Range(start, count);

    private static string Tenant(int i) => $"tenant-{i % 37}";

    private static JObject Item(string id, string partitionKey, string title) =>
        new() { ["id"] = id, ["pk"] = partitionKey, ["title"] = title, ["n"] = 1 };

    private static PartitionKey KeyOf(JObject item) => new(item.Value<string>("pk"));

    private static string IdOf(JObject item) => item.Value<string>("id")!;

    private static string? Title(JObject item) => item.Value<string>("title");

    /// <summary>Sends the first bulk request to another live range than the one the SDK chose, as a stale routing
    /// map would, and keeps the status it got back.</summary>
    private sealed class MisroutingHandler() : DelegatingHandler(new HttpClientHandler())
    {
        private const string RangeHeader = "x-ms-documentdb-partitionkeyrangeid";
        private int misrouted;

        public HttpStatusCode? MisroutedStatus { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var isBulk = request.Headers.TryGetValues("x-ms-cosmos-batch-atomic", out var atomic) && atomic.Single() == "False";
            if (!isBulk || Interlocked.Exchange(ref misrouted, 1) == 1)
                return await base.SendAsync(request, cancellationToken);
            var chosen = request.Headers.GetValues(RangeHeader).Single();
            request.Headers.Remove(RangeHeader);
            request.Headers.Add(RangeHeader, chosen == "0" ? "1" : "0");
            var response = await base.SendAsync(request, cancellationToken);
            MisroutedStatus = response.StatusCode;
            return response;
        }
    }

    private static List<string> Snapshot(IEnumerable<JObject> changes) =>
        [.. changes.Select(change => $"{IdOf(change)} {Title(change)} {change.Value<long>("_lsn")} {change.Value<string>("_etag")}").Order()];
}
