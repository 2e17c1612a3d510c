using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

/// <summary>A container's unique key policy, enforced per logical partition as the service enforces it.</summary>
public sealed class UniqueKeyConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private static readonly PartitionKey Tenant = new("t1");

    private Database database = null!;
    private Container users = null!;

    public async Task InitializeAsync()
    {
        database = (await endpoint.CreateClient().CreateDatabaseAsync(endpoint.UniqueName("unique"))).Database;
        var properties = new ContainerProperties(endpoint.UniqueName("users"), "/pk")
        {
            UniqueKeyPolicy = new UniqueKeyPolicy
            {
                UniqueKeys =
                {
                    new UniqueKey { Paths = { "/email" } },
                    new UniqueKey { Paths = { "/name/first", "/name/last" } },
                },
            },
        };
        users = (await database.CreateContainerAsync(properties)).Container;
    }

    public async Task DisposeAsync() => await database.DeleteAsync();

    [Fact]
    public async Task Creating_a_duplicate_unique_value_in_one_partition_answers_409_but_another_partition_may_reuse_it()
    {
        await users.CreateItemAsync(User("ann", "t1", "ann@example.com", "Ann", "Lee"), Tenant);

        var duplicate = await Assert.ThrowsAsync<CosmosException>(() =>
            users.CreateItemAsync(User("ann2", "t1", "ann@example.com", "Anne", "Other"), Tenant));
        var elsewhere = await users.CreateItemAsync(User("ann3", "t2", "ann@example.com", "Ann", "Lee"), new PartitionKey("t2"));

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Contains("Unique index constraint violation", duplicate.Message);
        Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
    }

    [Fact]
    public async Task A_composite_unique_key_conflicts_only_when_every_one_of_its_paths_matches()
    {
        await users.CreateItemAsync(User("bob", "t1", "bob@example.com", "Bob", "Stone"), Tenant);

        var sameFirstName = await users.CreateItemAsync(User("bob2", "t1", "bob2@example.com", "Bob", "Marley"), Tenant);
        var sameFullName = await Assert.ThrowsAsync<CosmosException>(() =>
            users.CreateItemAsync(User("bob3", "t1", "bob3@example.com", "Bob", "Stone"), Tenant));

        Assert.Equal(HttpStatusCode.Created, sameFirstName.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, sameFullName.StatusCode);
    }

    [Fact]
    public async Task A_missing_unique_value_counts_as_null_so_only_one_item_per_partition_may_lack_it()
    {
        var t3 = new PartitionKey("t3");
        await users.CreateItemAsync(new JObject { ["id"] = "nomail1", ["pk"] = "t3", ["name"] = Name("No", "Mail") }, t3);

        var secondWithout = await Assert.ThrowsAsync<CosmosException>(() =>
            users.CreateItemAsync(new JObject { ["id"] = "nomail2", ["pk"] = "t3", ["name"] = Name("Also", "None") }, t3));
        var explicitNull = await Assert.ThrowsAsync<CosmosException>(() =>
            users.CreateItemAsync(new JObject { ["id"] = "nomail3", ["pk"] = "t3", ["email"] = null, ["name"] = Name("Null", "Mail") }, t3));

        Assert.Equal(HttpStatusCode.Conflict, secondWithout.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, explicitNull.StatusCode);
    }

    [Fact]
    public async Task Replace_upsert_and_patch_that_would_duplicate_a_unique_value_answer_409_and_change_nothing()
    {
        await users.CreateItemAsync(User("cy", "t1", "cy@example.com", "Cy", "One"), Tenant);
        await users.CreateItemAsync(User("dee", "t1", "dee@example.com", "Dee", "Two"), Tenant);

        var keepsOwnValue = await users.ReplaceItemAsync(User("dee", "t1", "dee@example.com", "Dee", "Three"), "dee", Tenant);
        var replace = await Assert.ThrowsAsync<CosmosException>(() =>
            users.ReplaceItemAsync(User("dee", "t1", "cy@example.com", "Dee", "Two"), "dee", Tenant));
        var upsertExisting = await Assert.ThrowsAsync<CosmosException>(() =>
            users.UpsertItemAsync(User("dee", "t1", "dee@example.com", "Cy", "One"), Tenant));
        var upsertNew = await Assert.ThrowsAsync<CosmosException>(() =>
            users.UpsertItemAsync(User("eve", "t1", "cy@example.com", "Eve", "Four"), Tenant));
        var patch = await Assert.ThrowsAsync<CosmosException>(() =>
            users.PatchItemAsync<JObject>("dee", Tenant, [PatchOperation.Set("/email", "cy@example.com")]));

        Assert.Equal(HttpStatusCode.OK, keepsOwnValue.StatusCode);
        Assert.Equal(
            [HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict],
            new[] { replace, upsertExisting, upsertNew, patch }.Select(refused => refused.StatusCode));
        Assert.Equal("dee@example.com", (await users.ReadItemAsync<JObject>("dee", Tenant)).Resource.Value<string>("email"));
    }

    [Fact]
    public async Task A_batch_that_would_duplicate_a_unique_value_answers_409_for_that_operation_424_for_the_rest_and_applies_nothing()
    {
        var t4 = new PartitionKey("t4");

        using var response = await users.CreateTransactionalBatch(t4)
            .CreateItem(User("fay", "t4", "fay@example.com", "Fay", "Five"))
            .CreateItem(User("gus", "t4", "fay@example.com", "Gus", "Six"))
            .CreateItem(User("hal", "t4", "hal@example.com", "Hal", "Seven"))
            .ExecuteAsync();
        var fay = await users.ReadItemStreamAsync("fay", t4);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(
            [HttpStatusCode.FailedDependency, HttpStatusCode.Conflict, HttpStatusCode.FailedDependency],
            response.Select(result => result.StatusCode));
        Assert.Equal(HttpStatusCode.NotFound, fay.StatusCode);
    }

    private static JObject User(string id, string tenant, string email, string first, string last) =>
        new() { ["id"] = id, ["pk"] = tenant, ["email"] = email, ["name"] = Name(first, last) };

    private static JObject Name(string first, string last) => new() { ["first"] = first, ["last"] = last };

    [Fact]
    public async Task A_container_replace_may_change_its_ttl_but_not_its_unique_keys()
    {
        var properties = (await users.ReadContainerAsync()).Resource;
        properties.DefaultTimeToLive = 3600;
        var kept = await users.ReplaceContainerAsync(properties);
        properties.UniqueKeyPolicy.UniqueKeys.Add(new UniqueKey { Paths = { "/phone" } });

        var changed = await Assert.ThrowsAsync<CosmosException>(() => users.ReplaceContainerAsync(properties));

        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, changed.StatusCode);
        Assert.Equal(2, (await users.ReadContainerAsync()).Resource.UniqueKeyPolicy.UniqueKeys.Count);
    }
}
