using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Tests.Partitions;

/// <summary>An embedded emulator whose containers have several partition key ranges, a client for it, and the
/// reads a test needs to see where items are: per feed range (the SDK addresses each range itself) and raw requests.</summary>
internal sealed class PartitionedEmulator : IAsyncDisposable
{
    private readonly HttpClient http = new();

    private PartitionedEmulator(CosmosEmulatorServer server, CosmosClient client)
    {
        Server = server;
        Client = client;
    }

    public CosmosEmulatorServer Server { get; }

    public CosmosClient Client { get; }

    public static async Task<PartitionedEmulator> StartAsync(CosmosEmulatorOptions options)
    {
        var server = await CosmosEmulatorServer.StartAsync(options);
        return new PartitionedEmulator(server, NewClient(server));
    }

    public static CosmosClient NewClient(CosmosEmulatorServer server) =>
        new(server.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        Client.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>The ids a query returns from each feed range the SDK reports, in range order.</summary>
    public static async Task<List<List<string>>> IdsPerFeedRangeAsync(Container container)
    {
        var perRange = new List<List<string>>();
        foreach (var range in await container.GetFeedRangesAsync())
            perRange.Add(await IdsInAsync(container, range));
        return perRange;
    }

    /// <summary>The ids a query over one feed range returns; the SDK sends it to the range(s) that hold that part of the key space.</summary>
    public static async Task<List<string>> IdsInAsync(Container container, FeedRange range)
    {
        var ids = new List<string>();
        using var query = container.GetItemQueryIterator<JObject>(range, new QueryDefinition("SELECT c.id FROM c"));
        while (query.HasMoreResults)
            ids.AddRange((await query.ReadNextAsync()).Select(item => item.Value<string>("id")!));
        return ids;
    }

    /// <summary>The feed range of a partition key range as <c>pkranges</c> lists it.</summary>
    public static FeedRange FeedRangeOf(JToken partitionKeyRange) =>
        FeedRange.FromJsonString(new JObject
        {
            ["Range"] = new JObject { ["min"] = partitionKeyRange["minInclusive"], ["max"] = partitionKeyRange["maxExclusive"] },
        }.ToString());

    /// <summary>The live ranges of a container as the gateway's <c>pkranges</c> feed lists them.</summary>
    public async Task<JArray> PartitionKeyRangesAsync(string databaseId, string containerId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/dbs/{databaseId}/colls/{containerId}/pkranges");
        return (JArray)JObject.Parse(await response.Content.ReadAsStringAsync())["PartitionKeyRanges"]!;
    }

    /// <summary>Every change the change feed of each feed range holds now, drained page by page.</summary>
    public static async Task<List<JObject>> ChangesPerFeedRangeAsync(Container container, int pageSize = 50)
    {
        var changes = new List<JObject>();
        foreach (var range in await container.GetFeedRangesAsync())
            changes.AddRange((await DrainAsync(container, ChangeFeedStartFrom.Beginning(range), pageSize)).Changes);
        return changes;
    }

    /// <summary>Reads a change feed until it has nothing new; returns the changes and the continuation to resume from.</summary>
    public static async Task<(List<JObject> Changes, string Continuation)> DrainAsync(Container container, ChangeFeedStartFrom start, int pageSize = 50)
    {
        var changes = new List<JObject>();
        using var feed = container.GetChangeFeedIterator<JObject>(start, ChangeFeedMode.LatestVersion, new ChangeFeedRequestOptions { PageSizeHint = pageSize });
        while (true)
        {
            var page = await feed.ReadNextAsync();
            if (page.StatusCode == System.Net.HttpStatusCode.NotModified)
                return (changes, page.ContinuationToken);
            changes.AddRange(page);
        }
    }

    /// <summary>A request outside the SDK, signed with the account key as the SDK signs (resource type and link from the path).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, IReadOnlyDictionary<string, string>? headers = null, string key = CosmosEmulatorOptions.WellKnownAccountKey)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var (type, link) = segments.Length % 2 == 1
            ? (segments[^1], string.Join('/', segments[..^1]))
            : (segments[^2], string.Join('/', segments));
        var date = DateTime.UtcNow.ToString("r");
        var payload = $"{method.Method.ToLowerInvariant()}\n{type.ToLowerInvariant()}\n{link}\n{date.ToLowerInvariant()}\n\n";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(key), Encoding.UTF8.GetBytes(payload)));
        using var request = new HttpRequestMessage(method, new Uri(Server.Endpoint, path));
        request.Headers.TryAddWithoutValidation("authorization", Uri.EscapeDataString($"type=master&ver=1.0&sig={signature}"));
        request.Headers.TryAddWithoutValidation("x-ms-date", date);
        request.Headers.TryAddWithoutValidation("x-ms-version", "2020-07-15");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        return await http.SendAsync(request);
    }

    /// <summary>A request to the emulator's own controls, which take the account key as a bearer token.</summary>
    public async Task<HttpResponseMessage> ControlAsync(HttpMethod method, string path, string key = CosmosEmulatorOptions.WellKnownAccountKey)
    {
        using var request = new HttpRequestMessage(method, new Uri(Server.Endpoint, path));
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        return await http.SendAsync(request);
    }
}
