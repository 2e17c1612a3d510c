namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class AzdConventionsTests(CompiledInfrastructure infra)
{
    [Fact]
    public void The_app_is_tagged_as_the_azd_function_service_that_azure_yaml_builds_from_the_Api_project()
    {
        var serviceName = (string)infra.Default.FunctionApp["tags"]!["azd-service-name"]!;
        var azureYaml = File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "..", "azure.yaml"));

        Assert.Equal("api", serviceName);
        Assert.Matches($@"(?m)^services:\n  {serviceName}:\n    project: \./src/TodoFunctions\.Api\n    language: dotnet\n    host: function$", azureYaml);
        Assert.Matches(@"(?m)^infra:\n  provider: bicep\n  path: infra\n  module: main$", azureYaml);
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

    [Fact]
    public void Every_resource_is_named_from_one_resource_token_and_tagged_with_the_azd_environment()
    {
        // Child resources take their parent's name and role assignments are named by guid(); neither takes tags.
        var topLevelResources = infra.Default.Resources
            .Where(resource => ((string)resource["type"]!).Count(character => character == '/') == 1)
            .Where(resource => !((string)resource["type"]!).StartsWith("Microsoft.Authorization/"))
            .ToList();
        var resourceToken = ((string)topLevelResources[0]["name"]!)[^13..];

        Assert.All(topLevelResources, resource =>
        {
            Assert.EndsWith(resourceToken, (string)resource["name"]!);
            Assert.NotNull(resource["tags"]!["azd-env-name"]);
        });
    }

    private string NameOf(string type) => (string)infra.Default.Single(type)["name"]!;
}
