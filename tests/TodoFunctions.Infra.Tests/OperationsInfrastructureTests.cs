using System.Text.Json.Nodes;

namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class OperationsInfrastructureTests(CompiledInfrastructure infra)
{
    private const string LogAlert = "Microsoft.Insights/scheduledQueryRules";

    [Theory]
    [InlineData("Microsoft.DocumentDB/databaseAccounts", "")]
    [InlineData("Microsoft.Web/sites", "")]
    [InlineData("Microsoft.Storage/storageAccounts", "/blobServices/default")]
    [InlineData("Microsoft.Storage/storageAccounts", "/queueServices/default")]
    [InlineData("Microsoft.Storage/storageAccounts", "/tableServices/default")]
    public void Cosmos_DB_the_app_and_each_storage_service_send_their_logs_to_the_workspace(string type, string service)
    {
        var workspaceId = DeploymentSnapshot.IdOf(infra.Default.Single("Microsoft.OperationalInsights/workspaces"));
        var scope = DeploymentSnapshot.IdOf(infra.Default.Single(type)) + service;

        var setting = Assert.Single(infra.Default.OfType("Microsoft.Insights/diagnosticSettings"),
            setting => DeploymentSnapshot.IdOf(setting).StartsWith($"{scope}/providers/Microsoft.Insights/diagnosticSettings/"));
        Assert.Equal(workspaceId, (string)setting["properties"]!["workspaceId"]!);
        Assert.Contains(setting["properties"]!["logs"]!.AsArray(), log => (bool)log!["enabled"]!);
    }

    [Fact]
    public void The_per_request_logs_of_Cosmos_DB_and_the_storage_reads_stay_out_of_the_workspace_for_cost()
    {
        var categories = infra.Default.OfType("Microsoft.Insights/diagnosticSettings")
            .SelectMany(setting => setting["properties"]!["logs"]!.AsArray())
            .Select(log => (string?)log!["category"] ?? (string)log["categoryGroup"]!)
            .ToList();

        Assert.DoesNotContain("DataPlaneRequests", categories);
        Assert.DoesNotContain("StorageRead", categories);
        Assert.DoesNotContain("allLogs", categories);
    }

    [Theory]
    [InlineData("todo.dead_letters", 0)]
    [InlineData("todo.projection.parked", 0)]
    [InlineData("todo.projection.stuck_leases", 0)]
    public void A_log_alert_fires_as_soon_as_the_gauge_is_above_zero(string metric, int threshold)
    {
        var condition = ConditionOn($"AppMetrics | where Name == \"{metric}\"");

        Assert.Equal("Max", ((string)condition["query"]!).Split("Value = ")[1]);
        Assert.Equal("GreaterThan", (string)condition["operator"]!);
        Assert.Equal(threshold, (int)condition["threshold"]!);
    }

    [Fact]
    public void A_log_alert_fires_when_the_95th_percentile_of_the_projection_lag_passes_its_bound()
    {
        var condition = ConditionOn("AppMetrics | where Name == \"todo.projection.lag\"");

        Assert.Contains("percentile(Max, 95)", (string)condition["query"]!);
        Assert.Equal(60000, (int)condition["threshold"]!);
    }

    [Fact]
    public void A_log_alert_fires_when_more_than_5_percent_of_the_requests_answer_5xx()
    {
        var condition = ConditionOn("AppRequests ");

        Assert.Contains("countif(toint(ResultCode) >= 500)", (string)condition["query"]!);
        Assert.Equal(5, (int)condition["threshold"]!);
    }

    [Fact]
    public void Every_log_alert_watches_the_workspace_and_notifies_the_action_group()
    {
        var workspaceId = DeploymentSnapshot.IdOf(infra.Default.Single("Microsoft.OperationalInsights/workspaces"));
        var actionGroupId = DeploymentSnapshot.IdOf(infra.Default.Single("Microsoft.Insights/actionGroups"));

        Assert.Equal(5, infra.Default.OfType(LogAlert).Count());
        Assert.All(infra.Default.OfType(LogAlert).Select(alert => alert["properties"]!), properties =>
        {
            Assert.True((bool)properties["enabled"]!);
            Assert.Equal([workspaceId], properties["scopes"]!.AsArray().Select(scope => (string)scope!));
            Assert.Equal([actionGroupId], properties["actions"]!["actionGroups"]!.AsArray().Select(group => (string)group!));
        });
    }

    [Fact]
    public void The_action_group_mails_the_address_given_as_a_parameter_and_none_by_default()
    {
        static IEnumerable<string> Receivers(DeploymentSnapshot snapshot) =>
            snapshot.Single("Microsoft.Insights/actionGroups")["properties"]!["emailReceivers"]!.AsArray()
                .Select(receiver => (string)receiver!["emailAddress"]!);

        Assert.Equal([CompiledInfrastructure.AlertEmailAddress], Receivers(infra.ZoneRedundant));
        Assert.Empty(Receivers(infra.Default));
    }

    [Fact]
    public void A_standard_availability_test_calls_the_health_route_since_Flex_Consumption_has_no_health_check()
    {
        var applicationInsightsId = DeploymentSnapshot.IdOf(infra.Default.Single("Microsoft.Insights/components"));
        var test = infra.Default.Single("Microsoft.Insights/webtests");
        var properties = test["properties"]!;

        Assert.Equal("standard", (string)test["kind"]!);
        Assert.Equal("Resource", (string)test["tags"]![$"hidden-link:{applicationInsightsId}"]!);
        Assert.True((bool)properties["Enabled"]!);
        Assert.Equal("GET", (string)properties["Request"]!["HttpVerb"]!);
        Assert.Matches(@"^\[format\('https://\{0\}/api/health', reference\('[^']+/Microsoft\.Web/sites/[^']+'", (string)properties["Request"]!["RequestUrl"]!);
        Assert.Equal(200, (int)properties["ValidationRules"]!["ExpectedHttpStatusCode"]!);
        Assert.True(properties["Locations"]!.AsArray().Count >= 2);
        Assert.Null(infra.Default.FunctionApp["properties"]!["siteConfig"]!["healthCheckPath"]);
    }

    [Fact]
    public void A_failing_availability_test_alerts_the_action_group()
    {
        var testId = DeploymentSnapshot.IdOf(infra.Default.Single("Microsoft.Insights/webtests"));
        var actionGroupId = DeploymentSnapshot.IdOf(infra.Default.Single("Microsoft.Insights/actionGroups"));
        var alert = infra.Default.Single("Microsoft.Insights/metricAlerts")["properties"]!;

        Assert.Equal("Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria", (string)alert["criteria"]!["odata.type"]!);
        Assert.Equal(testId, (string)alert["criteria"]!["webTestId"]!);
        Assert.Equal(actionGroupId, (string)alert["actions"]![0]!["actionGroupId"]!);
    }

    private JsonNode ConditionOn(string queryStart)
    {
        var alert = Assert.Single(infra.Default.OfType(LogAlert),
            alert => ((string)alert["properties"]!["criteria"]!["allOf"]![0]!["query"]!).StartsWith(queryStart));
        return alert["properties"]!["criteria"]!["allOf"]![0]!;
    }
}
