using System.Text.Json.Nodes;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class TodoStoreInfrastructureTests(CompiledInfrastructure infra)
{
    private const string CosmosDataContributorRoleId = "00000000-0000-0000-0000-000000000002";

    private JsonObject Account => infra.Default.Single("Microsoft.DocumentDB/databaseAccounts");

    [Fact]
    public void The_database_and_its_containers_carry_the_names_and_partition_keys_of_TodoStoreLayout()
    {
        (string Name, string PartitionKeyPath)[] expected =
        [
            (TodoStoreLayout.EventsContainer, TodoStoreLayout.EventsPartitionKeyPath),
            (TodoStoreLayout.ReadModelContainer, TodoStoreLayout.ReadModelPartitionKeyPath),
            (TodoStoreLayout.AlternateReadModelContainer, TodoStoreLayout.ReadModelPartitionKeyPath),
            (TodoStoreLayout.LeasesContainer, TodoStoreLayout.LeasesPartitionKeyPath),
        ];

        var database = infra.Default.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases");
        var containers = infra.Default.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")
            .Select(container => container["properties"]!["resource"]!)
            .Select(resource => ((string)resource["id"]!, (string)Assert.Single(resource["partitionKey"]!["paths"]!.AsArray())!));

        Assert.Equal(TodoStoreLayout.DatabaseName, (string)database["properties"]!["resource"]!["id"]!);
        Assert.Equal(expected.Order(), containers.Order());
    }

    [Fact]
    public void Only_the_events_container_has_per_item_ttl_on_with_the_default_of_TodoStoreLayout()
    {
        var ttls = infra.Default.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")
            .Select(container => container["properties"]!["resource"]!)
            .ToDictionary(resource => (string)resource["id"]!, resource => (int?)resource["defaultTtl"]);

        Assert.Equal(TodoStoreLayout.EventsDefaultTimeToLive, ttls[TodoStoreLayout.EventsContainer]);
        Assert.All(ttls.Where(ttl => ttl.Key != TodoStoreLayout.EventsContainer), ttl => Assert.Null(ttl.Value));
    }

    [Fact]
    public void The_account_is_serverless_by_default()
    {
        var capabilities = Account["properties"]!["capabilities"]!.AsArray().Select(capability => (string)capability!["name"]!);
        var database = infra.Default.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases");

        Assert.Contains("EnableServerless", capabilities);
        Assert.Null(database["properties"]!["options"]!["autoscaleSettings"]);
    }

    [Fact]
    public void The_autoscale_capacity_mode_provisions_database_throughput_instead_of_serverless()
    {
        var account = infra.Autoscale.Single("Microsoft.DocumentDB/databaseAccounts");
        var database = infra.Autoscale.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases");

        Assert.Empty(account["properties"]!["capabilities"]!.AsArray());
        Assert.Equal(CompiledInfrastructure.AutoscaleMaxThroughput, (int)database["properties"]!["options"]!["autoscaleSettings"]!["maxThroughput"]!);
    }

    [Fact]
    public void The_account_refuses_key_authentication_for_data_and_for_metadata_writes()
    {
        var properties = Account["properties"]!;

        Assert.True((bool)properties["disableLocalAuth"]!);
        Assert.True((bool)properties["disableKeyBasedMetadataWriteAccess"]!);
    }

    [Fact]
    public void The_account_uses_session_consistency_and_at_least_TLS_1_2()
    {
        var properties = Account["properties"]!;

        Assert.Equal("Session", (string)properties["consistencyPolicy"]!["defaultConsistencyLevel"]!);
        Assert.Equal("Tls12", (string)properties["minimalTlsVersion"]!);
    }

    [Fact]
    public void The_app_identity_holds_the_built_in_Data_Contributor_role_on_the_account_data_plane()
    {
        var accountId = DeploymentSnapshot.IdOf(Account);
        var assignment = infra.Default.Single("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")["properties"]!;

        Assert.Equal($"{accountId}/sqlRoleDefinitions/{CosmosDataContributorRoleId}", (string)assignment["roleDefinitionId"]!);
        Assert.Equal(accountId, (string)assignment["scope"]!);
        Assert.Equal(new ArmReference(infra.Default.AppIdentityId, "principalId"), ArmReference.Parse((string)assignment["principalId"]!));
    }
}
