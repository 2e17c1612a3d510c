using System.Text.Json.Nodes;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class FunctionAppInfrastructureTests(CompiledInfrastructure infra)
{
    private JsonObject FunctionApp => infra.Default.FunctionApp;
    private JsonNode SiteConfig => FunctionApp["properties"]!["siteConfig"]!;
    private JsonNode FunctionAppConfig => FunctionApp["properties"]!["functionAppConfig"]!;
    private IReadOnlyDictionary<string, string> Settings => infra.Default.AppSettings;
    private ArmReference AppIdentity(string property) => new(infra.Default.AppIdentityId, property);
    private static string TodoStoreSetting(string option) => $"{TodoStoreOptions.SectionName}__{option}";

    [Fact]
    public void The_app_runs_on_Linux_in_its_own_Flex_Consumption_plan()
    {
        var plan = infra.Default.Single("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", (string)plan["sku"]!["name"]!);
        Assert.Equal("FlexConsumption", (string)plan["sku"]!["tier"]!);
        Assert.True((bool)plan["properties"]!["reserved"]!);
        Assert.Equal("functionapp,linux", (string)FunctionApp["kind"]!);
        Assert.Equal(DeploymentSnapshot.IdOf(plan), (string)FunctionApp["properties"]!["serverFarmId"]!);
    }

    [Fact]
    public void The_app_runs_the_dotnet_isolated_worker_on_NET_10()
    {
        var runtime = FunctionAppConfig["runtime"]!;

        Assert.Equal("dotnet-isolated", (string)runtime["name"]!);
        Assert.Equal("10.0", (string)runtime["version"]!);
    }

    [Fact]
    public void The_http_group_keeps_at_least_one_always_ready_instance_so_the_hosted_projector_keeps_running()
    {
        var alwaysReady = FunctionAppConfig["scaleAndConcurrency"]!["alwaysReady"]!.AsArray();

        var http = Assert.Single(alwaysReady, group => (string)group!["name"]! == "http")!;
        Assert.True((int)http["instanceCount"]! >= 1);
    }

    [Fact]
    public void The_app_accepts_only_HTTPS_with_TLS_1_2_or_later_and_has_FTP_disabled()
    {
        Assert.True((bool)FunctionApp["properties"]!["httpsOnly"]!);
        Assert.Equal("1.2", (string)SiteConfig["minTlsVersion"]!);
        Assert.Equal("Disabled", (string)SiteConfig["ftpsState"]!);
    }

    [Fact]
    public void Browsers_from_any_origin_may_call_the_API_by_default_as_the_Todo_Backend_spec_runner_needs()
    {
        var allowedOrigins = SiteConfig["cors"]!["allowedOrigins"]!.AsArray().Select(origin => (string)origin!);

        Assert.Equal(["*"], allowedOrigins);
    }

    [Fact]
    public void The_app_deploys_its_package_from_a_blob_container_it_reads_with_its_own_identity()
    {
        var storageId = DeploymentSnapshot.IdOf(infra.Default.Single("Microsoft.Storage/storageAccounts"));
        var container = infra.Default.Single("Microsoft.Storage/storageAccounts/blobServices/containers");
        var deployment = FunctionAppConfig["deployment"]!["storage"]!;

        Assert.Equal("blobContainer", (string)deployment["type"]!);
        Assert.Contains($"reference('{storageId}'", (string)deployment["value"]!);
        Assert.EndsWith($"'{((string)container["name"]!).Split('/').Last()}')]", (string)deployment["value"]!);
        Assert.Equal("UserAssignedIdentity", (string)deployment["authentication"]!["type"]!);
        Assert.Equal(infra.Default.AppIdentityId, (string)deployment["authentication"]!["userAssignedIdentityResourceId"]!);
    }

    [Fact]
    public void The_Functions_host_reaches_its_storage_account_by_name_with_the_app_identity()
    {
        var storage = infra.Default.Single("Microsoft.Storage/storageAccounts");

        Assert.Equal((string)storage["name"]!, Settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal("managedidentity", Settings["AzureWebJobsStorage__credential"]);
        Assert.Equal(AppIdentity("clientId"), ArmReference.Parse(Settings["AzureWebJobsStorage__clientId"]));
        Assert.DoesNotContain("AzureWebJobsStorage", Settings.Keys);
    }

    [Fact]
    public void The_app_reaches_Cosmos_DB_by_account_endpoint_with_the_app_identity()
    {
        var accountId = DeploymentSnapshot.IdOf(infra.Default.Single("Microsoft.DocumentDB/databaseAccounts"));
        var prefix = TodoStoreLayout.ConnectionSettingName;

        Assert.Equal(new ArmReference(accountId, "documentEndpoint"), ArmReference.Parse(Settings[$"{prefix}__accountEndpoint"]));
        Assert.Equal("managedidentity", Settings[$"{prefix}__credential"]);
        Assert.Equal(AppIdentity("clientId"), ArmReference.Parse(Settings[$"{prefix}__clientId"]));
        Assert.DoesNotContain(prefix, Settings.Keys);
    }

    [Fact]
    public void The_app_settings_bind_the_database_and_containers_of_TodoStoreLayout_to_TodoStoreOptions()
    {
        Assert.Equal(TodoStoreLayout.DatabaseName, Settings[TodoStoreSetting(nameof(TodoStoreOptions.DatabaseName))]);
        Assert.Equal(TodoStoreLayout.EventsContainer, Settings[TodoStoreSetting(nameof(TodoStoreOptions.EventsContainer))]);
        Assert.Equal(TodoStoreLayout.ReadModelContainer, Settings[TodoStoreSetting(nameof(TodoStoreOptions.ReadModelContainer))]);
        Assert.Equal(TodoStoreLayout.AlternateReadModelContainer, Settings[TodoStoreSetting(nameof(TodoStoreOptions.AlternateReadModelContainer))]);
        Assert.Equal(TodoStoreLayout.LeasesContainer, Settings[TodoStoreSetting(nameof(TodoStoreOptions.LeasesContainer))]);
    }

    [Fact]
    public void The_app_sends_telemetry_to_Application_Insights_authenticated_by_the_app_identity()
    {
        var applicationInsightsId = DeploymentSnapshot.IdOf(infra.Default.Single("Microsoft.Insights/components"));
        var clientId = $"reference('{infra.Default.AppIdentityId}'";

        Assert.Equal(new ArmReference(applicationInsightsId, "ConnectionString"), ArmReference.Parse(Settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]));
        Assert.StartsWith($"[format('ClientId={{0}};Authorization=AAD', {clientId}", Settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.EndsWith(").clientId)]", Settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Fact]
    public void The_change_feed_is_polled_once_a_second_when_caught_up()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), TimeSpan.Parse(Settings[TodoStoreSetting(nameof(TodoStoreOptions.ChangeFeedPollInterval))]));
    }

    [Fact]
    public void Leases_are_scanned_every_5_s_and_renewed_every_5_s_and_expire_after_15_s()
    {
        TimeSpan Setting(string name) => TimeSpan.Parse(Settings[TodoStoreSetting(name)]);
        Assert.Equal(TimeSpan.FromSeconds(5), Setting(nameof(TodoStoreOptions.LeaseAcquireInterval)));
        Assert.Equal(TimeSpan.FromSeconds(5), Setting(nameof(TodoStoreOptions.LeaseRenewInterval)));
        Assert.Equal(TimeSpan.FromSeconds(15), Setting(nameof(TodoStoreOptions.LeaseExpirationInterval)));
    }

    [Fact]
    public void The_app_never_creates_containers_since_its_identity_may_not_and_the_template_creates_them()
    {
        var setting = TodoStoreSetting(nameof(TodoStoreOptions.CreateContainersIfMissing));

        Assert.False(Settings.TryGetValue(setting, out var value) && bool.Parse(value));
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    [InlineData("SCM_DO_BUILD_DURING_DEPLOYMENT")]
    [InlineData("ENABLE_ORYX_BUILD")]
    public void The_app_sets_none_of_the_settings_Flex_Consumption_deprecates(string setting)
    {
        Assert.DoesNotContain(setting, Settings.Keys);
    }

    [Theory]
    [InlineData("linuxFxVersion")]
    [InlineData("alwaysOn")]
    [InlineData("netFrameworkVersion")]
    [InlineData("functionAppScaleLimit")]
    public void The_site_config_leaves_out_the_properties_Flex_Consumption_takes_from_functionAppConfig(string property)
    {
        Assert.Null(SiteConfig[property]);
    }
}
