using System.Text.Json.Nodes;
using TodoFunctions.Cosmos.Health;
using TodoFunctions.Cosmos.Telemetry;

namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class OperationsInfrastructureTests(CompiledInfrastructure infra)
{
    private const string LogAlert = "Microsoft.Insights/scheduledQueryRules";

    public static TheoryData<string, string, string> LoggingResourcesInEachConfiguration
    {
        get
        {
            var rows = new TheoryData<string, string, string>();
            foreach (var configuration in CompiledInfrastructure.Configurations)
            {
                rows.Add(configuration, "Microsoft.DocumentDB/databaseAccounts", "");
                rows.Add(configuration, "Microsoft.Web/sites", "");
                rows.Add(configuration, "Microsoft.Storage/storageAccounts", "/blobServices/default");
                rows.Add(configuration, "Microsoft.Storage/storageAccounts", "/queueServices/default");
                rows.Add(configuration, "Microsoft.Storage/storageAccounts", "/tableServices/default");
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(LoggingResourcesInEachConfiguration))]
    public void Cosmos_DB_the_app_and_each_storage_service_send_their_logs_to_the_workspace(string configuration, string type, string service)
    {
        var snapshot = infra.Snapshots[configuration];
        var workspaceId = DeploymentSnapshot.IdOf(snapshot.Single("Microsoft.OperationalInsights/workspaces"));
        var scope = DeploymentSnapshot.IdOf(snapshot.Single(type)) + service;

        var setting = Assert.Single(snapshot.OfType("Microsoft.Insights/diagnosticSettings"),
            setting => DeploymentSnapshot.IdOf(setting).StartsWith($"{scope}/providers/Microsoft.Insights/diagnosticSettings/"));
        Assert.Equal(workspaceId, (string)setting["properties"]!["workspaceId"]!);
        Assert.Contains(setting["properties"]!["logs"]!.AsArray(), log => (bool)log!["enabled"]!);
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void The_per_request_logs_of_Cosmos_DB_and_the_storage_reads_stay_out_of_the_workspace_for_cost(string configuration)
    {
        var categories = infra.Snapshots[configuration].OfType("Microsoft.Insights/diagnosticSettings")
            .SelectMany(setting => setting["properties"]!["logs"]!.AsArray())
            .Select(log => (string?)log!["category"] ?? (string)log["categoryGroup"]!)
            .ToList();

        Assert.DoesNotContain("DataPlaneRequests", categories);
        Assert.DoesNotContain("StorageRead", categories);
        Assert.DoesNotContain("allLogs", categories);
    }

    public static TheoryData<string, string> GaugesInEachConfiguration
    {
        get
        {
            var rows = new TheoryData<string, string>();
            foreach (var configuration in CompiledInfrastructure.Configurations)
            {
                rows.Add(configuration, HealthGauges.DeadLetters);
                rows.Add(configuration, HealthGauges.Parked);
                rows.Add(configuration, HealthGauges.StuckLeases);
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(GaugesInEachConfiguration))]
    public void A_log_alert_fires_as_soon_as_the_gauge_is_above_zero(string configuration, string metric)
    {
        var condition = ConditionOn(configuration, $"AppMetrics | where Name == \"{metric}\"");

        Assert.Equal("Max", ((string)condition["query"]!).Split("Value = ")[1]);
        Assert.Equal("GreaterThan", (string)condition["operator"]!);
        Assert.Equal(0, (int)condition["threshold"]!);
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void A_log_alert_fires_when_the_95th_percentile_of_the_projection_lag_passes_its_bound(string configuration)
    {
        var condition = ConditionOn(configuration, $"AppMetrics | where Name == \"{TodoTelemetry.ProjectionLagName}\"");

        Assert.Contains("percentile(Max, 95)", (string)condition["query"]!);
        Assert.Equal(60000, (int)condition["threshold"]!);
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void A_log_alert_fires_when_more_than_5_percent_of_enough_requests_besides_the_health_checks_answer_5xx(string configuration)
    {
        var condition = ConditionOn(configuration, "AppRequests ");
        var query = (string)condition["query"]!;

        // /api/health answers 503 by design when the projection is unwell; the availability test calls it all day.
        Assert.Contains("where tostring(parse_url(Url).Path) != \"/api/health\" |", query);
        Assert.Contains("countif(toint(ResultCode) >= 500)", query);
        Assert.Matches(@"\| where Total >= (\d{2,}) \|", query);
        Assert.Equal(5, (int)condition["threshold"]!);
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void Every_log_alert_watches_the_workspace_and_notifies_the_action_group(string configuration)
    {
        var snapshot = infra.Snapshots[configuration];
        var workspaceId = DeploymentSnapshot.IdOf(snapshot.Single("Microsoft.OperationalInsights/workspaces"));
        var actionGroupId = DeploymentSnapshot.IdOf(snapshot.Single("Microsoft.Insights/actionGroups"));

        Assert.Equal(5, snapshot.OfType(LogAlert).Count());
        Assert.All(snapshot.OfType(LogAlert).Select(alert => alert["properties"]!), properties =>
        {
            Assert.True((bool)properties["enabled"]!);
            Assert.Equal([workspaceId], properties["scopes"]!.AsArray().Select(scope => (string)scope!));
            Assert.Equal([actionGroupId], properties["actions"]!["actionGroups"]!.AsArray().Select(group => (string)group!));
        });
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void The_action_group_mails_the_address_given_as_a_parameter_and_none_otherwise(string configuration)
    {
        // Only the zone-redundant configuration gives an address (CompiledInfrastructure).
        string[] expected = configuration == "zone-redundant" ? [CompiledInfrastructure.AlertEmailAddress] : [];

        var receivers = infra.Snapshots[configuration].Single("Microsoft.Insights/actionGroups")["properties"]!["emailReceivers"]!.AsArray()
            .Select(receiver => (string)receiver!["emailAddress"]!);

        Assert.Equal(expected, receivers);
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void A_standard_availability_test_calls_the_health_route_since_Flex_Consumption_has_no_health_check(string configuration)
    {
        var snapshot = infra.Snapshots[configuration];
        var applicationInsightsId = DeploymentSnapshot.IdOf(snapshot.Single("Microsoft.Insights/components"));
        var test = snapshot.Single("Microsoft.Insights/webtests");
        var properties = test["properties"]!;

        Assert.Equal("standard", (string)test["kind"]!);
        Assert.Equal("Resource", (string)test["tags"]![$"hidden-link:{applicationInsightsId}"]!);
        Assert.True((bool)properties["Enabled"]!);
        Assert.Equal("GET", (string)properties["Request"]!["HttpVerb"]!);
        Assert.Matches(@"^\[format\('https://\{0\}/api/health', reference\('[^']+/Microsoft\.Web/sites/[^']+'", (string)properties["Request"]!["RequestUrl"]!);
        Assert.Equal(200, (int)properties["ValidationRules"]!["ExpectedHttpStatusCode"]!);
        Assert.True(properties["Locations"]!.AsArray().Count >= 2);
        Assert.Null(snapshot.FunctionApp["properties"]!["siteConfig"]!["healthCheckPath"]);
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void A_failing_availability_test_alerts_the_action_group(string configuration)
    {
        var snapshot = infra.Snapshots[configuration];
        var testId = DeploymentSnapshot.IdOf(snapshot.Single("Microsoft.Insights/webtests"));
        var actionGroupId = DeploymentSnapshot.IdOf(snapshot.Single("Microsoft.Insights/actionGroups"));
        var alert = snapshot.Single("Microsoft.Insights/metricAlerts")["properties"]!;

        Assert.Equal("Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria", (string)alert["criteria"]!["odata.type"]!);
        Assert.Equal(testId, (string)alert["criteria"]!["webTestId"]!);
        Assert.Equal(actionGroupId, (string)alert["actions"]![0]!["actionGroupId"]!);
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void The_availability_alert_window_holds_at_least_one_run_of_the_test(string configuration)
    {
        // A window shorter than the test's period may hold no run at all, and then the alert judges nothing.
        var snapshot = infra.Snapshots[configuration];
        var frequency = TimeSpan.FromSeconds((int)snapshot.Single("Microsoft.Insights/webtests")["properties"]!["Frequency"]!);
        var window = System.Xml.XmlConvert.ToTimeSpan((string)snapshot.Single("Microsoft.Insights/metricAlerts")["properties"]!["windowSize"]!);

        Assert.True(window >= frequency, $"window {window} < test frequency {frequency}");
    }

    private JsonNode ConditionOn(string configuration, string queryStart)
    {
        var alert = Assert.Single(infra.Snapshots[configuration].OfType(LogAlert),
            alert => ((string)alert["properties"]!["criteria"]!["allOf"]![0]!["query"]!).StartsWith(queryStart));
        return alert["properties"]!["criteria"]!["allOf"]![0]!;
    }
}
