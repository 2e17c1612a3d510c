using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>
/// A data directory written by the build before checkpoints (2d97356, one <c>journal.jsonl</c>) opens with every
/// document, ETag and LSN, keeps change feed continuations valid, and is converted to a checkpoint. The fixture
/// and what the SDK read from that build (<c>expected.json</c>) were written by that build itself.
/// </summary>
public sealed class EarlierBuildDataDirectoryTests : IDisposable
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures", "build-2d97356");
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("earlier-build-").FullName;
    private readonly JObject expected = JObject.Parse(File.ReadAllText(Path.Combine(Fixture, "expected.json")));

    public EarlierBuildDataDirectoryTests()
    {
        Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");
        File.Copy(Path.Combine(Fixture, "data", "journal.jsonl"), Path.Combine(dataDirectory, "journal.jsonl"));
    }

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    [EmbeddedEmulatorFact]
    public async Task Every_document_etag_range_and_change_feed_continuation_of_the_earlier_build_reads_back_before_and_after_conversion()
    {
        await using (var emulator = await StartAsync())
        {
            using var client = Client(emulator);
            await AssertEverythingReadsBackAsync(client);
            await emulator.CompactAsync();
        }
        Assert.Equal(["checkpoint-000000", "journal-000001.jsonl", "journal.lock"],
            Directory.EnumerateFileSystemEntries(dataDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        await using var reopened = await StartAsync();
        using var clientAfterConversion = Client(reopened);
        await AssertEverythingReadsBackAsync(clientAfterConversion);
        var todos = clientAfterConversion.GetContainer("fixture", "todos");
        await todos.CreateItemAsync(new JObject { ["id"] = "after", ["pk"] = "p2" });
        var sinceFixture = await ReadChangeFeedAsync(todos, ChangeFeedStartFrom.ContinuationToken(expected.Value<string>("todosContinuation")));
        Assert.Equal(["after"], sinceFixture.Select(change => change.Value<string>("id")));
    }

    private async Task AssertEverythingReadsBackAsync(CosmosClient client)
    {
        var database = client.GetDatabase("fixture");
        foreach (var item in expected["items"]!.Cast<JObject>())
        {
            var body = (JObject)item["body"]!;
            var read = await database.GetContainer(item.Value<string>("container")).ReadItemAsync<JObject>(body.Value<string>("id"), new PartitionKey(item.Value<string>("pk")));
            Assert.Equal(body.ToString(), read.Resource.ToString());
            Assert.Equal(body.Value<string>("_etag"), read.ETag);
        }
        var deleted = await Assert.ThrowsAsync<CosmosException>(() => database.GetContainer("todos").ReadItemAsync<JObject>("b", new PartitionKey("p1")));
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        Assert.Equal(3, (await database.GetContainer("ranged").GetFeedRangesAsync()).Count);
        var containers = await database.GetContainerQueryIterator<ContainerProperties>().ReadNextAsync();
        Assert.Equal(["expiring", "ranged", "todos"], containers.Select(container => container.Id).Order(StringComparer.Ordinal));
        var databases = await client.GetDatabaseQueryIterator<DatabaseProperties>().ReadNextAsync();
        Assert.Equal(["fixture"], databases.Select(found => found.Id));

        var changeFeed = await ReadChangeFeedAsync(database.GetContainer("todos"), ChangeFeedStartFrom.Beginning());
        Assert.Equal(expected["todosChangeFeed"]!.Select(change => change.ToString()), changeFeed.Select(change => change.ToString()));
        var nothingNew = await ReadChangeFeedAsync(database.GetContainer("todos"), ChangeFeedStartFrom.ContinuationToken(expected.Value<string>("todosContinuation")));
        Assert.Empty(nothingNew);
    }

    private static async Task<List<JObject>> ReadChangeFeedAsync(Container container, ChangeFeedStartFrom start)
    {
        var changes = new List<JObject>();
        using var feed = container.GetChangeFeedIterator<JObject>(start, ChangeFeedMode.LatestVersion);
        while (true)
        {
            var page = await feed.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified)
                return changes;
            changes.AddRange(page);
        }
    }

    private Task<CosmosEmulatorServer> StartAsync() =>
        CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory });

    private static CosmosClient Client(CosmosEmulatorServer emulator) =>
        new(emulator.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });
}
