using System.Text.RegularExpressions;

namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class KeylessAccessTests(CompiledInfrastructure infra)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    [Fact]
    public void The_storage_account_refuses_shared_keys_anonymous_blobs_and_plain_HTTP()
    {
        var properties = infra.Default.Single("Microsoft.Storage/storageAccounts")["properties"]!;

        Assert.False((bool)properties["allowSharedKeyAccess"]!);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
        Assert.True((bool)properties["supportsHttpsTrafficOnly"]!);
        Assert.Equal("TLS1_2", (string)properties["minimumTlsVersion"]!);
    }

    [Fact]
    public void The_app_identity_holds_the_storage_data_roles_the_Functions_host_needs()
    {
        var storageId = DeploymentSnapshot.IdOf(infra.Default.Single("Microsoft.Storage/storageAccounts"));

        var grantedRoles = RolesGrantedToTheAppIdentityOn(storageId);

        Assert.Equal(new[] { StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor }.Order(), grantedRoles.Order());
    }

    [Fact]
    public void Application_Insights_refuses_keys_and_the_app_identity_may_publish_to_it()
    {
        var applicationInsights = infra.Default.Single("Microsoft.Insights/components");

        Assert.True((bool)applicationInsights["properties"]!["DisableLocalAuth"]!);
        Assert.Equal([MonitoringMetricsPublisher], RolesGrantedToTheAppIdentityOn(DeploymentSnapshot.IdOf(applicationInsights)));
    }

    [Fact]
    public void No_app_setting_holds_a_key_a_password_or_a_secret_bearing_connection_string()
    {
        Assert.NotEmpty(infra.Default.AppSettings);
        Assert.DoesNotContain(infra.Default.AppSettings, setting => SecretMaterial.IsIn(setting.Key) || SecretMaterial.IsIn(setting.Value));
    }

    [Fact]
    public void The_template_never_reads_a_key_or_takes_a_secret_parameter()
    {
        var secureParameters = ArmTemplate.WithModules(infra.Template)
            .SelectMany(template => template["parameters"]?.AsObject() ?? [])
            .Where(parameter => ((string)parameter.Value!["type"]!).StartsWith("secure", StringComparison.OrdinalIgnoreCase));

        Assert.DoesNotMatch(new Regex(@"\blist\w*\(", RegexOptions.IgnoreCase), infra.Build.Output!);
        Assert.Empty(secureParameters);
    }

    [Fact]
    public void No_output_carries_a_secret_or_a_connection_string()
    {
        var outputs = infra.Template["outputs"]!.AsObject();

        Assert.Contains("API_BASE_URL", outputs.Select(output => output.Key));
        Assert.All(outputs, output =>
        {
            var text = $"{output.Key} {output.Value!["value"]}";
            Assert.Equal("string", (string)output.Value!["type"]!);
            Assert.False(SecretMaterial.IsIn(text), text);
            Assert.DoesNotContain("connectionstring", text, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc==;EndpointSuffix=core.windows.net")]
    [InlineData("AccountEndpoint=https://cosmos.documents.azure.com:443/;AccountKey=abc==;")]
    [InlineData("Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abc=")]
    [InlineData("[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'st'), '2025-01-01').keys[0].value]")]
    [InlineData("[listConnectionStrings(resourceId('Microsoft.DocumentDB/databaseAccounts', 'c'), '2025-04-15')]")]
    [InlineData("DB_PASSWORD")]
    public void The_secret_scanner_recognises_keys_passwords_and_secret_bearing_connection_strings(string text)
    {
        Assert.True(SecretMaterial.IsIn(text));
    }

    private IEnumerable<string> RolesGrantedToTheAppIdentityOn(string scope) =>
        infra.Default.OfType("Microsoft.Authorization/roleAssignments")
            .Where(assignment => DeploymentSnapshot.ScopeOf(assignment) == scope)
            .Select(assignment => assignment["properties"]!)
            .Where(properties => ((string)properties["principalId"]!).StartsWith("[reference("))
            .Where(properties => ArmReference.Parse((string)properties["principalId"]!) == new ArmReference(infra.Default.AppIdentityId, "principalId"))
            .Select(properties => ((string)properties["roleDefinitionId"]!).Split('/').Last());
}
