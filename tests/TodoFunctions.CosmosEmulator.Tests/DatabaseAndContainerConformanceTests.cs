using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

/// <summary>Database and container lifecycle through the unmodified SDK.</summary>
public sealed class DatabaseAndContainerConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    private readonly CosmosClient client = endpoint.CreateClient();

    [Fact]
    public async Task A_database_is_created_read_and_deleted_and_a_second_create_answers_409()
    {
        var id = endpoint.UniqueName("db");

        var created = await client.CreateDatabaseAsync(id);
        var duplicate = await Assert.ThrowsAsync<CosmosException>(() => client.CreateDatabaseAsync(id));
        var read = await created.Database.ReadAsync();
        var deleted = await created.Database.DeleteAsync();
        var gone = await Assert.ThrowsAsync<CosmosException>(() => created.Database.ReadAsync());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(id, read.Resource.Id);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Create_if_not_exists_creates_once_then_returns_the_existing_database_and_container()
    {
        var databaseId = endpoint.UniqueName("db");

        var first = await client.CreateDatabaseIfNotExistsAsync(databaseId);
        var second = await client.CreateDatabaseIfNotExistsAsync(databaseId);
        var firstContainer = await first.Database.CreateContainerIfNotExistsAsync("todos", "/tenantId");
        var secondContainer = await first.Database.CreateContainerIfNotExistsAsync("todos", "/tenantId");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.Created, firstContainer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondContainer.StatusCode);
        await first.Database.DeleteAsync();
    }

    [Fact]
    public async Task A_container_keeps_its_partition_key_path_and_default_ttl()
    {
        var database = (await client.CreateDatabaseAsync(endpoint.UniqueName("db"))).Database;

        await database.CreateContainerAsync(new ContainerProperties("expiring", "/tenantId") { DefaultTimeToLive = 60 });
        var read = await database.GetContainer("expiring").ReadContainerAsync();

        Assert.Equal("/tenantId", read.Resource.PartitionKeyPath);
        Assert.Equal(60, read.Resource.DefaultTimeToLive);
        await database.DeleteAsync();
    }

    [Fact]
    public async Task A_deleted_container_answers_404_for_itself_and_its_items()
    {
        var database = (await client.CreateDatabaseAsync(endpoint.UniqueName("db"))).Database;
        var container = (await database.CreateContainerAsync("short-lived", "/pk")).Container;
        await container.CreateItemAsync(new JObject { ["id"] = "a", ["pk"] = "p" }, new PartitionKey("p"));

        var deleted = await container.DeleteContainerAsync();
        var read = await Assert.ThrowsAsync<CosmosException>(() => container.ReadContainerAsync());
        var duplicate = await Assert.ThrowsAsync<CosmosException>(() => database.CreateContainerAsync("twice", "/pk").ContinueWith(_ => database.CreateContainerAsync("twice", "/pk")).Unwrap());

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        await database.DeleteAsync();
    }

    [Fact]
    public async Task Databases_and_containers_are_listed_by_the_feed_iterators()
    {
        var database = (await client.CreateDatabaseAsync(endpoint.UniqueName("db"))).Database;
        await database.CreateContainerAsync("first", "/pk");
        await database.CreateContainerAsync("second", "/pk");

        var containers = await ReadAllAsync(database.GetContainerQueryIterator<ContainerProperties>());
        var databases = await ReadAllAsync(client.GetDatabaseQueryIterator<DatabaseProperties>());

        Assert.Equal(["first", "second"], containers.Select(container => container.Id).Order());
        Assert.Contains(databases, listed => listed.Id == database.Id);
        await database.DeleteAsync();
    }

    private static async Task<List<T>> ReadAllAsync<T>(FeedIterator<T> iterator)
    {
        var all = new List<T>();
        using (iterator)
            while (iterator.HasMoreResults)
                all.AddRange(await iterator.ReadNextAsync());
        return all;
    }
}
