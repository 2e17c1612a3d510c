using System.Text.Json.Nodes;

namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class AzdConventionsTests(CompiledInfrastructure infra)
{
    private static string RepositoryFile(string name) => File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "..", name));

    [Fact]
    public void The_app_is_tagged_as_the_azd_function_service_that_azure_yaml_builds_from_the_Api_project()
    {
        var serviceName = (string)infra.Default.FunctionApp["tags"]!["azd-service-name"]!;
        var azureYaml = RepositoryFile("azure.yaml");

        Assert.Equal("api", serviceName);
        Assert.Matches($@"(?m)^services:\n  {serviceName}:\n    project: \./src/TodoFunctions\.Api\n    language: dotnet\n    host: function$", azureYaml);
        Assert.Matches(@"(?m)^infra:\n  provider: bicep\n  path: infra\n  module: main$", azureYaml);
        Assert.Matches(@"(?m)^metadata:\n  template: todo-functions@\d+\.\d+\.\d+$", azureYaml);
    }

    [Fact]
    public void The_template_deploys_at_subscription_scope_into_a_resource_group_named_after_the_environment()
    {
        var resourceGroup = infra.Default.Single("Microsoft.Resources/resourceGroups");

        Assert.Contains("subscriptionDeploymentTemplate.json", (string)infra.Template["$schema"]!);
        Assert.Equal(CompiledInfrastructure.ResourceGroup, (string)resourceGroup["name"]!);
        Assert.All(infra.Default.Resources.Except([resourceGroup]),
            resource => Assert.Contains($"/resourceGroups/{CompiledInfrastructure.ResourceGroup}/", DeploymentSnapshot.IdOf(resource)));
    }

    [Fact]
    public void The_parameters_file_takes_the_environment_location_and_principal_azd_sets()
    {
        var parameters = File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "main.bicepparam"));

        Assert.Contains("readEnvironmentVariable('AZURE_ENV_NAME'", parameters);
        Assert.Contains("readEnvironmentVariable('AZURE_LOCATION'", parameters);
        Assert.Contains("param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID'", parameters);
    }

    [Fact]
    public void The_outputs_give_the_API_base_URL_and_the_resource_names()
    {
        var outputs = infra.Default.Outputs;
        var functionApp = infra.Default.FunctionApp;

        Assert.StartsWith($"[format('https://{{0}}/api', reference('{DeploymentSnapshot.IdOf(functionApp)}'", (string)outputs["API_BASE_URL"]!);
        Assert.Equal((string)functionApp["name"]!, (string)outputs["AZURE_FUNCTION_APP_NAME"]!);
        Assert.Equal(NameOf("Microsoft.DocumentDB/databaseAccounts"), (string)outputs["AZURE_COSMOS_ACCOUNT_NAME"]!);
        Assert.Equal(NameOf("Microsoft.Storage/storageAccounts"), (string)outputs["AZURE_STORAGE_ACCOUNT_NAME"]!);
        Assert.Equal(CompiledInfrastructure.ResourceGroup, (string)outputs["AZURE_RESOURCE_GROUP"]!);
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void Every_resource_is_named_by_its_abbreviation_and_the_resource_token_and_tagged_with_the_azd_environment(string configuration)
    {
        var abbreviations = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "abbreviations.json")))!.AsObject()
            .Select(abbreviation => (string)abbreviation.Value!)
            .ToList();
        // Child and extension resources take their parent's name or a guid() and no tags; the resource group and the
        // private DNS zones carry names Azure prescribes.
        var namedResources = infra.Snapshots[configuration].Resources
            .Where(resource => ((string)resource["type"]!).Count(character => character == '/') == 1)
            .Where(resource => !((string)resource["type"]!).StartsWith("Microsoft.Authorization/"))
            .Where(resource => !DeploymentSnapshot.IdOf(resource).Contains("/providers/Microsoft.Insights/diagnosticSettings/"))
            .Where(resource => (string)resource["type"]! is not ("Microsoft.Resources/resourceGroups" or "Microsoft.Network/privateDnsZones"))
            .ToList();
        var resourceToken = ((string)namedResources[0]["name"]!)[^13..];

        Assert.All(namedResources, resource =>
        {
            var name = (string)resource["name"]!;
            Assert.EndsWith(resourceToken, name);
            Assert.Contains(abbreviations, abbreviation => name.StartsWith(abbreviation));
            Assert.NotNull(resource["tags"]!["azd-env-name"]);
        });
    }

    private string NameOf(string type) => (string)infra.Default.Single(type)["name"]!;
}
