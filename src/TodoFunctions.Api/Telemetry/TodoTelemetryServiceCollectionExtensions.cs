using System.Data.Common;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TodoFunctions.Cosmos;
using TodoFunctions.Cosmos.Telemetry;

namespace TodoFunctions.Api.Telemetry;

/// <summary>
/// Traces, metrics and logs through OpenTelemetry, shared by the Functions worker and the local host: the app's own
/// spans and instruments (<see cref="TodoTelemetry"/>), the Cosmos DB SDK's dependency spans, the HTTP server spans.
/// Nothing leaves the process unless configured: OTLP when <see cref="OtlpEndpointSetting"/> is set, Azure Monitor
/// when <see cref="ApplicationInsightsConnectionSetting"/> is, with Entra ID when <see cref="ApplicationInsightsAuthenticationSetting"/> asks.
/// </summary>
public static class TodoTelemetryServiceCollectionExtensions
{
    public const string ServiceName = "TodoFunctions";

    /// <summary>The OpenTelemetry SDK's own setting; its OTLP exporter also reads the protocol, headers and the like from configuration.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ApplicationInsightsConnectionSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>Authorization=AAD</c> (and <c>ClientId=…</c> for a user-assigned identity), as the Bicep sets it.</summary>
    public const string ApplicationInsightsAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The Cosmos DB SDK's activity source: one span per operation, with its status, request charge and regions.</summary>
    public const string CosmosActivitySource = "Azure.Cosmos.Operation";

    public static OpenTelemetryBuilder AddTodoTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        // The Cosmos DB SDK traces through Azure.Core's activity sources, which stay silent until this process-wide switch
        // opens them; the composition runs once per process, at its entry point.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        services.Configure<CosmosClientOptions>(options => options.CosmosClientTelemetryOptions.DisableDistributedTracing = false);
        // Every log scope, the console's too, carries the trace and span of the work that logged.
        services.Configure<LoggerFactoryOptions>(options =>
            options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing => tracing.AddSource(TodoTelemetry.Name, CosmosActivitySource).AddProcessor(new CosmosRootSpanFilter()).AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(TodoTelemetry.Name).AddAspNetCoreInstrumentation())
            .WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                logging.IncludeScopes = true;
                logging.IncludeFormattedMessage = true;
            });
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting])) telemetry.UseOtlpExporter();
        if (configuration[ApplicationInsightsConnectionSetting] is { Length: > 0 } connectionString)
            telemetry.UseAzureMonitorExporter(exporter =>
            {
                exporter.ConnectionString = connectionString;
                if (UsesEntraId(configuration[ApplicationInsightsAuthenticationSetting], out var clientId))
                    exporter.Credential = IdentityCredential.For(clientId);
            });
        return telemetry;
    }

    /// <summary>The identity to send telemetry as, when the authentication string says <c>Authorization=AAD</c>.</summary>
    private static bool UsesEntraId(string? authenticationString, out string? clientId)
    {
        clientId = null;
        if (string.IsNullOrWhiteSpace(authenticationString)) return false;
        var parts = new DbConnectionStringBuilder { ConnectionString = authenticationString };
        if (!parts.TryGetValue("Authorization", out var authorization) || !"AAD".Equals(authorization as string, StringComparison.OrdinalIgnoreCase)) return false;
        clientId = parts.TryGetValue("ClientId", out var id) ? id as string : null;
        return true;
    }
}
