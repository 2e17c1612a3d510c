using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TodoFunctions.Api;

// The Cosmos SDK probes Azure's instance-metadata address at client start, for telemetry only; never let it.
Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddTodoApp(builder.Configuration);
// The worker's invocation spans and Azure Functions resource attributes, on the app's one OpenTelemetry registration.
builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
builder.Build().Run();
