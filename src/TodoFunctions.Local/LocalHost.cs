using TodoFunctions.Api;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator;

namespace TodoFunctions.Local;

/// <summary>
/// The Functions app on plain Kestrel, for a machine without the Functions host: the same function classes and the
/// same composition as the worker, the projector running, on the embedded Cosmos DB emulator unless configuration
/// names a Cosmos DB endpoint (the <c>CosmosDb</c> connection string: the official emulator or a real account).
/// </summary>
public sealed class LocalHost : IAsyncDisposable
{
    /// <summary>Where <c>func start</c> listens, so clients need not care which host runs.</summary>
    public const string DefaultUrls = "http://localhost:7071";

    /// <summary>The embedded emulator's data folder; by default <c>.data/cosmos</c> at the repository root.</summary>
    public const string DataDirectorySetting = "LocalHost:DataDirectory";

    private readonly WebApplication app;
    private readonly CosmosEmulatorServer? emulator;

    private LocalHost(WebApplication app, CosmosEmulatorServer? emulator, string cosmosDescription)
    {
        this.app = app;
        this.emulator = emulator;
        CosmosDescription = cosmosDescription;
        BaseAddress = new Uri($"{app.Urls.First().TrimEnd('/')}/{TodoRoutes.Prefix}/");
    }

    /// <summary>The API root, e.g. <c>http://localhost:7071/api/</c>.</summary>
    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>Which Cosmos DB the host uses, for people reading its console.</summary>
    public string CosmosDescription { get; }

    public static async Task<LocalHost> StartAsync(LocalHostOptions options, CancellationToken cancellationToken = default)
    {
        // The Cosmos SDK probes Azure's instance-metadata address when a client starts; never from here.
        Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

        var builder = WebApplication.CreateBuilder(options.Args);
        builder.Configuration.AddInMemoryCollection(options.Settings);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        CosmosEmulatorServer? emulator = null;
        var cosmosDescription = "the Cosmos DB account in the CosmosDb setting";
        if (!IsCosmosConfigured(builder.Configuration))
        {
            var dataDirectory = builder.Configuration[DataDirectorySetting] ?? DefaultDataDirectory();
            emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory, Port = 0 }, cancellationToken);
            builder.Configuration[TodoStoreLayout.ConnectionSettingName] = emulator.ConnectionString;
            cosmosDescription = $"the embedded emulator at {emulator.Endpoint}, data in {Path.GetFullPath(dataDirectory)}";
        }
        builder.Configuration[$"{TodoStoreOptions.SectionName}:{nameof(TodoStoreOptions.CreateContainersIfMissing)}"] = "true";
        builder.WebHost.UseUrls(options.Urls ?? builder.Configuration["urls"] ?? DefaultUrls);
        // The executors of ASP.NET Core's own IActionResult types, should a function return one of them.
        builder.Services.AddMvcCore();
        builder.Services.AddTodoApp(builder.Configuration);
        options.ConfigureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapGroup(TodoRoutes.Prefix).MapHttpFunctions(typeof(TodoHttp).Assembly);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            if (emulator is not null) await emulator.DisposeAsync();
            throw;
        }
        return new LocalHost(app, emulator, cosmosDescription);
    }

    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        if (emulator is not null) await emulator.DisposeAsync();
    }

    /// <summary>The settings the Cosmos client is built from: a connection string, or an account endpoint for Entra ID.</summary>
    private static bool IsCosmosConfigured(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration.GetConnectionString(TodoStoreLayout.ConnectionSettingName))
        || !string.IsNullOrEmpty(configuration[TodoStoreLayout.ConnectionSettingName])
        || !string.IsNullOrEmpty(configuration[$"{TodoStoreLayout.ConnectionSettingName}:accountEndpoint"]);

    private static string DefaultDataDirectory()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "TodoFunctions.sln"))) return Path.Combine(folder.FullName, ".data", "cosmos");
        }
        return Path.GetFullPath(Path.Combine(".data", "cosmos"));
    }
}
