using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>
/// A write whose container was resolved before its container or database was deleted must not be journaled after
/// the deletion: the data directory would no longer open. The write is held between the two with
/// <c>Expect: 100-continue</c>: the gateway asks for the body only once it has found the container.
/// </summary>
public sealed class DeleteDuringWriteTests : IDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("delete-during-write-").FullName;

    public DeleteDuringWriteTests() => Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    [EmbeddedEmulatorFact]
    public Task An_item_write_held_across_its_container_delete_answers_404_1003_and_the_data_directory_reopens() =>
        HoldAcrossDeleteAsync("POST", "dbs/db/colls/todos/docs", "docs", "dbs/db/colls/todos", """{"id":"late","pk":"p"}""", "container", "1003");

    [EmbeddedEmulatorFact]
    public Task An_item_write_held_across_its_database_delete_answers_404_1003_and_the_data_directory_reopens() =>
        HoldAcrossDeleteAsync("POST", "dbs/db/colls/todos/docs", "docs", "dbs/db/colls/todos", """{"id":"late","pk":"p"}""", "database", "1003");

    [EmbeddedEmulatorFact]
    public Task A_container_replace_held_across_its_delete_answers_404_1003_and_the_data_directory_reopens() =>
        HoldAcrossDeleteAsync("PUT", "dbs/db/colls/todos", "colls", "dbs/db/colls/todos", """{"id":"todos","partitionKey":{"paths":["/pk"]}}""", "container", "0");

    [EmbeddedEmulatorFact]
    public Task A_container_create_held_across_its_database_delete_answers_404_1003_and_the_data_directory_reopens() =>
        HoldAcrossDeleteAsync("POST", "dbs/db/colls", "colls", "dbs/db", """{"id":"late","partitionKey":{"paths":["/pk"]}}""", "database", "1003");

    private async Task HoldAcrossDeleteAsync(
        string method, string path, string resourceType, string resourceLink, string body, string deleted, string subStatus)
    {
        await using (var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory }))
        {
            using var client = new CosmosClient(emulator.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway });
            var database = (await client.CreateDatabaseAsync("db")).Database;
            var container = (await database.CreateContainerAsync("todos", "/pk")).Container;
            await container.CreateItemAsync(new { id = "early", pk = "p" });

            using var held = await SendHeldAsync(emulator, method, path, resourceType, resourceLink, body, async () =>
            {
                if (deleted == "container")
                    await container.DeleteContainerAsync();
                else
                    await database.DeleteAsync();
            });

            Assert.Equal(HttpStatusCode.NotFound, held.StatusCode);
            Assert.Equal(subStatus, held.Headers.TryGetValues("x-ms-substatus", out var values) ? values.Single() : "0");
        }

        await using var reopened = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory });
        using var afterRestart = new CosmosClient(reopened.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway });
        var databases = afterRestart.GetDatabaseQueryIterator<DatabaseProperties>();
        var remaining = new List<string>();
        while (databases.HasMoreResults)
            remaining.AddRange((await databases.ReadNextAsync()).Select(properties => properties.Id));
        Assert.Equal(deleted == "database" ? [] : ["db"], remaining);
        if (deleted == "container")
        {
            var containers = await afterRestart.GetDatabase("db").GetContainerQueryIterator<ContainerProperties>().ReadNextAsync();
            Assert.Empty(containers);
        }
    }

    // The body is sent only after the server asked for it (100 Continue), i.e. after it resolved the target.
    private static async Task<HttpResponseMessage> SendHeldAsync(
        CosmosEmulatorServer emulator, string method, string path, string resourceType, string resourceLink, string body, Func<Task> meanwhile)
    {
        using var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(5) });
        var date = DateTime.UtcNow.ToString("r");
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(emulator.Endpoint, path))
        {
            Content = new HeldContent(Encoding.UTF8.GetBytes(body), meanwhile),
        };
        request.Headers.ExpectContinue = true;
        request.Headers.Add("x-ms-date", date);
        request.Headers.Add("x-ms-version", "2020-07-15");
        request.Headers.TryAddWithoutValidation("authorization", Signature(method, resourceType, resourceLink, date));
        request.Headers.TryAddWithoutValidation("x-ms-documentdb-partitionkey", """["p"]""");
        return await http.SendAsync(request);
    }

    private static string Signature(string verb, string resourceType, string resourceLink, string date)
    {
        var payload = $"{verb.ToLowerInvariant()}\n{resourceType}\n{resourceLink}\n{date.ToLowerInvariant()}\n\n";
        var signature = HMACSHA256.HashData(Convert.FromBase64String(CosmosEmulatorOptions.WellKnownAccountKey), Encoding.UTF8.GetBytes(payload));
        return Uri.EscapeDataString($"type=master&ver=1.0&sig={Convert.ToBase64String(signature)}");
    }

    private sealed class HeldContent(byte[] body, Func<Task> beforeSending) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await beforeSending();
            await stream.WriteAsync(body);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
