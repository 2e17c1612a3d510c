namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class DeploymentAccessTests(CompiledInfrastructure infra)
{
    private const string CosmosDataContributorRoleId = "00000000-0000-0000-0000-000000000002";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";

    [Theory]
    [InlineData("ftp")]
    [InlineData("scm")]
    public void Basic_publishing_credentials_are_off_since_azd_deploys_with_Entra_ID(string endpoint)
    {
        var policy = Assert.Single(infra.Default.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies"),
            policy => ((string)policy["name"]!).EndsWith($"/{endpoint}"));

        Assert.False((bool)policy["properties"]!["allow"]!);
    }

    [Theory]
    [InlineData("zone-redundant")]
    [InlineData("private-network")]
    public void The_deploying_user_may_read_and_write_the_Cosmos_DB_data_plane(string configuration)
    {
        var snapshot = infra.Snapshots[configuration];
        var accountId = DeploymentSnapshot.IdOf(snapshot.Single("Microsoft.DocumentDB/databaseAccounts"));

        var assignment = Assert.Single(CosmosAssignmentsToTheDeployer(snapshot));
        Assert.Equal($"{accountId}/sqlRoleDefinitions/{CosmosDataContributorRoleId}", (string)assignment["roleDefinitionId"]!);
        Assert.Equal(accountId, (string)assignment["scope"]!);
    }

    [Theory]
    [InlineData("zone-redundant")]
    [InlineData("private-network")]
    public void The_deploying_user_may_read_the_deployment_packages_and_the_queues(string configuration)
    {
        var snapshot = infra.Snapshots[configuration];
        var storageId = DeploymentSnapshot.IdOf(snapshot.Single("Microsoft.Storage/storageAccounts"));

        var assignments = StorageAssignmentsToTheDeployer(snapshot).ToList();

        Assert.All(assignments, assignment => Assert.Equal(storageId, DeploymentSnapshot.ScopeOf(assignment)));
        Assert.All(assignments, assignment => Assert.Equal("User", (string)assignment["properties"]!["principalType"]!));
        Assert.Equal(
            new[] { StorageBlobDataContributor, StorageQueueDataContributor }.Order(),
            assignments.Select(assignment => ((string)assignment["properties"]!["roleDefinitionId"]!).Split('/').Last()).Order());
    }

    [Theory]
    [InlineData("default")]
    [InlineData("autoscale")]
    public void Without_a_principal_or_with_its_data_access_switched_off_only_the_app_gets_data_roles(string configuration)
    {
        var snapshot = infra.Snapshots[configuration];

        Assert.Empty(CosmosAssignmentsToTheDeployer(snapshot));
        Assert.Empty(StorageAssignmentsToTheDeployer(snapshot));
        Assert.Single(snapshot.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"));
    }

    [Fact]
    public void Cosmos_DB_role_assignments_wait_for_the_containers_and_run_one_at_a_time()
    {
        // Cosmos DB answers concurrent control-plane operations on one account with 412 "exclusive lock".
        var assignments = ArmTemplate.WithModules(infra.Template)
            .SelectMany(ArmTemplate.ResourcesOf)
            .Single(resource => (string)resource["type"]! == "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
        var containerLoop = ArmTemplate.WithModules(infra.Template)
            .SelectMany(ArmTemplate.ResourcesOf)
            .Single(resource => (string)resource["type"]! == "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");

        Assert.Contains((string)containerLoop["copy"]!["name"]!, assignments["dependsOn"]!.AsArray().Select(dependency => (string)dependency!));
        Assert.Equal("serial", (string)assignments["copy"]!["mode"]!);
        Assert.Equal(1, (int)assignments["copy"]!["batchSize"]!);
    }

    [Fact]
    public void The_Cosmos_DB_private_endpoint_waits_for_the_containers_and_the_role_assignments()
    {
        // The endpoint's connection is another control-plane operation on the account: the same 412 "exclusive lock".
        var resources = ArmTemplate.WithModules(infra.Template).SelectMany(ArmTemplate.ResourcesOf).ToList();
        var loopOf = (string type) => (string)resources.Single(resource => (string)resource["type"]! == type)["copy"]!["name"]!;
        var endpoint = resources.Single(resource => (string?)resource["name"] == "pe-sql");

        var dependencies = endpoint["dependsOn"]!.AsArray().Select(dependency => (string)dependency!).ToList();
        Assert.Contains(loopOf("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers"), dependencies);
        Assert.Contains(loopOf("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"), dependencies);
    }

    private static IEnumerable<System.Text.Json.Nodes.JsonNode> CosmosAssignmentsToTheDeployer(DeploymentSnapshot snapshot) =>
        snapshot.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")
            .Select(assignment => assignment["properties"]!)
            .Where(properties => (string)properties["principalId"]! == CompiledInfrastructure.DeployerPrincipalId);

    private static IEnumerable<System.Text.Json.Nodes.JsonObject> StorageAssignmentsToTheDeployer(DeploymentSnapshot snapshot) =>
        snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Where(assignment => (string)assignment["properties"]!["principalId"]! == CompiledInfrastructure.DeployerPrincipalId);
}
