using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>The standalone emulator with a data directory keeps every acknowledged write through kill -9.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("crash-recovery-").FullName;

    public CrashRecoveryTests() => Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    [Fact]
    public async Task Every_acknowledged_write_survives_kill_9_with_etags_deletes_and_change_feed_intact()
    {
        Acknowledged before;
        using (var emulator = StandaloneEmulatorProcess.Start("--http", "--port", "0", "--data-dir", dataDirectory))
        {
            using var client = CreateClient(await emulator.WaitUntilListeningAsync(StartTimeout));
            before = await WriteEverythingAsync(client);
            emulator.KillHard();
        }

        using var restarted = StandaloneEmulatorProcess.Start("--http", "--port", "0", "--data-dir", dataDirectory);
        using var clientAfterCrash = CreateClient(await restarted.WaitUntilListeningAsync(StartTimeout));
        var container = clientAfterCrash.GetContainer("crash", "todos");

        foreach (var (item, etag) in before.Survivors)
        {
            var read = await container.ReadItemAsync<TodoItem>(item.id, new PartitionKey(item.pk));
            Assert.Equal(item, read.Resource);
            Assert.Equal(etag, read.ETag);
        }
        var deleted = await Assert.ThrowsAsync<CosmosException>(() => container.ReadItemAsync<TodoItem>("b", new PartitionKey("p1")));
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        Assert.Equal(before.ChangeFeed, (await ReadChangeFeedAsync(container, ChangeFeedStartFrom.Beginning())).Changes);

        await container.CreateItemAsync(new TodoItem("after", "p2", "written after the restart"));
        var sinceCrash = await ReadChangeFeedAsync(container, ChangeFeedStartFrom.ContinuationToken(before.ChangeFeedContinuation));
        Assert.Equal(["after"], sinceCrash.Changes.Select(change => change.Id));
    }

    [Fact]
    public async Task The_standalone_emulator_answers_the_sdk_over_https_with_a_self_signed_localhost_certificate()
    {
        using var emulator = StandaloneEmulatorProcess.Start("--port", "0");
        var connectionString = await emulator.WaitUntilListeningAsync(StartTimeout);
        string? certificateSubject = null;
        using var client = CreateClient(connectionString, acceptCertificate: (certificate, _, _) =>
        {
            certificateSubject = certificate.Subject;
            return true;
        });

        var database = (await client.CreateDatabaseIfNotExistsAsync("secure")).Database;
        var container = (await database.CreateContainerIfNotExistsAsync("todos", "/pk")).Container;
        await container.CreateItemAsync(new TodoItem("a", "p1", "over TLS"));
        var read = await container.ReadItemAsync<TodoItem>("a", new PartitionKey("p1"));

        Assert.StartsWith("AccountEndpoint=https://", connectionString);
        Assert.Equal("over TLS", read.Resource.title);
        Assert.Equal("CN=localhost", certificateSubject);
    }

    private static async Task<Acknowledged> WriteEverythingAsync(CosmosClient client)
    {
        var database = (await client.CreateDatabaseAsync("crash")).Database;
        var container = (await database.CreateContainerAsync("todos", "/pk")).Container;
        await container.CreateItemAsync(new TodoItem("a", "p1", "first"));
        await container.CreateItemAsync(new TodoItem("b", "p1", "to be deleted"));
        await container.CreateItemAsync(new TodoItem("c", "p2", "other partition"));
        var batch = await container.CreateTransactionalBatch(new PartitionKey("p1"))
            .CreateItem(new TodoItem("d", "p1", "created in a batch"))
            .ReplaceItem("a", new TodoItem("a", "p1", "replaced in a batch"))
            .UpsertItem(new TodoItem("e", "p1", "upserted in a batch"))
            .ExecuteAsync();
        Assert.True(batch.IsSuccessStatusCode, $"batch answered {batch.StatusCode}");
        await container.DeleteItemAsync<TodoItem>("b", new PartitionKey("p1"));

        var survivors = new List<(TodoItem, string)>();
        foreach (var (id, pk) in new[] { ("a", "p1"), ("c", "p2"), ("d", "p1"), ("e", "p1") })
        {
            var read = await container.ReadItemAsync<TodoItem>(id, new PartitionKey(pk));
            survivors.Add((read.Resource, read.ETag));
        }
        var changeFeed = await ReadChangeFeedAsync(container, ChangeFeedStartFrom.Beginning());
        Assert.Equal(["a", "c", "d", "e"], changeFeed.Changes.Select(change => change.Id).Order());
        return new Acknowledged(survivors, changeFeed.Changes, changeFeed.Continuation);
    }

    private static async Task<ChangeFeedRead> ReadChangeFeedAsync(Container container, ChangeFeedStartFrom start)
    {
        var changes = new List<Change>();
        using var feed = container.GetChangeFeedIterator<TodoItem>(start, ChangeFeedMode.LatestVersion);
        while (true)
        {
            var page = await feed.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified)
                return new ChangeFeedRead(changes, page.ContinuationToken);
            changes.AddRange(page.Select(item => new Change(item.id, item.title)));
        }
    }

    private static CosmosClient CreateClient(
        string connectionString, Func<X509Certificate2, X509Chain, SslPolicyErrors, bool>? acceptCertificate = null) =>
        new(connectionString, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            ServerCertificateCustomValidationCallback = acceptCertificate,
        });

    private sealed record TodoItem(string id, string pk, string title);

    private sealed record Change(string Id, string Title);

    private sealed record ChangeFeedRead(List<Change> Changes, string Continuation);

    private sealed record Acknowledged(List<(TodoItem Item, string ETag)> Survivors, List<Change> ChangeFeed, string ChangeFeedContinuation);
}
