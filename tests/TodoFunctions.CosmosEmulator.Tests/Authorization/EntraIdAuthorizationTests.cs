using System.Net;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Authorization;

/// <summary>A client built with a Microsoft Entra ID credential: accepted with any well-formed token, and, with
/// data-plane roles enforced, limited to what the Data Contributor role allows in Azure.</summary>
public sealed class EntraIdAuthorizationTests
{
    public EntraIdAuthorizationTests() => Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

    [EmbeddedEmulatorFact]
    public async Task A_data_contributor_reads_and_writes_items_queries_and_reads_the_change_feed_and_metadata()
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { EnforceDataPlaneRoles = true });
        using var administrator = MasterKeyClient(emulator);
        await (await administrator.CreateDatabaseAsync("db")).Database.CreateContainerAsync("todos", "/pk");
        using var contributor = EntraClient(emulator, UnsignedTokenCredential.ForIdentity("contributor"));
        var container = contributor.GetContainer("db", "todos");

        await container.CreateItemAsync(new Item("a", "p", "created"));
        await container.UpsertItemAsync(new Item("a", "p", "upserted"));
        var read = await container.ReadItemAsync<Item>("a", new PartitionKey("p"));
        var queried = await container.GetItemQueryIterator<Item>("SELECT * FROM c").ReadNextAsync();
        using var feed = container.GetChangeFeedIterator<Item>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion);
        var changes = await feed.ReadNextAsync();
        var properties = await container.ReadContainerAsync();

        Assert.Equal("upserted", read.Resource.title);
        Assert.Equal(["a"], queried.Select(item => item.id));
        Assert.Equal(["a"], changes.Select(item => item.id));
        Assert.Equal("/pk", properties.Resource.PartitionKeyPath);
    }

    [EmbeddedEmulatorFact]
    public async Task With_enforced_roles_an_entra_identity_cannot_create_replace_or_delete_databases_or_containers()
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { EnforceDataPlaneRoles = true });
        using var administrator = MasterKeyClient(emulator);
        var database = (await administrator.CreateDatabaseAsync("db")).Database;
        var existing = (await database.CreateContainerAsync("todos", "/pk")).Container;
        using var contributor = EntraClient(emulator, UnsignedTokenCredential.ForIdentity("contributor"));
        var asContributor = contributor.GetDatabase("db");

        var refusals = new[]
        {
            await Refusal(() => contributor.CreateDatabaseAsync("other")),
            await Refusal(() => asContributor.CreateContainerAsync("other", "/pk")),
            await Refusal(() => asContributor.GetContainer("todos").ReplaceContainerAsync(new ContainerProperties("todos", "/pk") { DefaultTimeToLive = 60 })),
            await Refusal(() => asContributor.GetContainer("todos").DeleteContainerAsync()),
            await Refusal(() => asContributor.DeleteAsync()),
        };

        Assert.All(refusals, refusal =>
        {
            Assert.Equal(HttpStatusCode.Forbidden, refusal.StatusCode);
            Assert.Equal(5300, refusal.SubStatusCode);
            Assert.Contains("cannot be authorized by AAD token in data plane", refusal.Message);
        });
        Assert.Contains("[POST /dbs]", refusals[0].Message);
        await existing.DeleteContainerAsync();
    }

    [EmbeddedEmulatorFact]
    public async Task Without_enforced_roles_an_entra_identity_may_create_databases_and_containers()
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions());
        using var client = EntraClient(emulator, UnsignedTokenCredential.ForIdentity("owner"));

        var database = (await client.CreateDatabaseAsync("db")).Database;
        var created = await database.CreateContainerAsync("todos", "/pk");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [EmbeddedEmulatorFact]
    public async Task A_token_that_is_not_a_jwt_answers_401()
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions());
        using var client = EntraClient(emulator, new UnsignedTokenCredential("not-a-jwt"));

        var refusal = await Refusal(() => client.CreateDatabaseAsync("db"));

        Assert.Equal(HttpStatusCode.Unauthorized, refusal.StatusCode);
    }

    private static async Task<CosmosException> Refusal(Func<Task> operation) => await Assert.ThrowsAsync<CosmosException>(operation);

    private static CosmosClient MasterKeyClient(CosmosEmulatorServer emulator) =>
        new(emulator.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });

    private static CosmosClient EntraClient(CosmosEmulatorServer emulator, UnsignedTokenCredential credential) =>
        new(emulator.Endpoint.ToString(), credential, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });

    private sealed record Item(string id, string pk, string title);
}
