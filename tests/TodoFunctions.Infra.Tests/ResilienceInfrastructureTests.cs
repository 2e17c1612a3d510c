using System.Text.Json.Nodes;

namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class ResilienceInfrastructureTests(CompiledInfrastructure infra)
{
    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void The_event_log_account_has_continuous_backup_for_point_in_time_restore(string configuration)
    {
        var backup = infra.Snapshots[configuration].Single("Microsoft.DocumentDB/databaseAccounts")["properties"]!["backupPolicy"]!;

        Assert.Equal("Continuous", (string)backup["type"]!);
        Assert.Equal("Continuous7Days", (string)backup["continuousModeProperties"]!["tier"]!);
    }

    [Fact]
    public void The_default_deployment_stays_in_one_zone_with_locally_redundant_storage()
    {
        Assert.Equal([false], ZoneRedundancyOf(infra.Default).Distinct());
        Assert.Equal("Standard_LRS", StorageSku(infra.Default));
    }

    [Fact]
    public void The_zone_redundant_option_spreads_the_plan_Cosmos_DB_and_storage_over_zones()
    {
        Assert.Equal([true], ZoneRedundancyOf(infra.ZoneRedundant).Distinct());
        Assert.Equal("Standard_ZRS", StorageSku(infra.ZoneRedundant));
    }

    [Fact]
    public void The_maximum_instance_count_is_bounded_by_the_Flex_Consumption_range_of_40_to_1000()
    {
        var bounds = ArmTemplate.WithModules(infra.Template)
            .Select(template => template["parameters"]!["maximumInstanceCount"])
            .OfType<JsonNode>()
            .Select(parameter => ((int?)parameter["minValue"], (int?)parameter["maxValue"]))
            .ToList();

        Assert.Equal(2, bounds.Count);
        Assert.All(bounds, bound => Assert.Equal((40, 1000), bound));
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void The_scale_out_limit_of_every_configuration_lies_in_that_range(string configuration)
    {
        var scale = infra.Snapshots[configuration].FunctionApp["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!;

        Assert.InRange((int)scale["maximumInstanceCount"]!, 40, 1000);
    }

    private static IEnumerable<bool> ZoneRedundancyOf(DeploymentSnapshot snapshot) =>
        snapshot.Single("Microsoft.DocumentDB/databaseAccounts")["properties"]!["locations"]!.AsArray()
            .Select(location => (bool)location!["isZoneRedundant"]!)
            .Append((bool)snapshot.Single("Microsoft.Web/serverfarms")["properties"]!["zoneRedundant"]!);

    private static string StorageSku(DeploymentSnapshot snapshot) =>
        (string)snapshot.Single("Microsoft.Storage/storageAccounts")["sku"]!["name"]!;
}
