using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using TodoFunctions.Api;

// The Cosmos SDK probes Azure's instance-metadata address at client start, for telemetry only; never let it.
Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddTodoApp(builder.Configuration);
builder.Build().Run();
