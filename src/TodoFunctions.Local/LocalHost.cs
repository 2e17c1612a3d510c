using TodoFunctions.Api;
using TodoFunctions.Api.Http;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator;

namespace TodoFunctions.Local;

/// <summary>
/// The Functions app on plain Kestrel, for a machine without the Functions host: the same function classes (HTTP and
/// queue-triggered) and the same composition as the worker, the projector running. Cosmos DB is the embedded emulator
/// unless configuration names an endpoint (the <c>CosmosDb</c> setting: the official emulator or a real account);
/// storage is <c>AzureWebJobsStorage</c>, by default <c>UseDevelopmentStorage=true</c>, for which the host starts
/// Azurite itself when nothing answers on Azurite's port.
/// </summary>
public sealed class LocalHost : IAsyncDisposable
{
    /// <summary>Where <c>func start</c> listens, so clients need not care which host runs.</summary>
    public const string DefaultUrls = "http://localhost:7071";

    /// <summary>The embedded emulator's data folder; by default <c>.data/cosmos</c> at the repository root.</summary>
    public const string DataDirectorySetting = "LocalHost:DataDirectory";

    /// <summary>The data folder of the Azurite the host starts; by default <c>.data/azurite</c> at the repository root.</summary>
    public const string AzuriteDataDirectorySetting = "LocalHost:AzuriteDataDirectory";

    private const string DevelopmentStorage = "UseDevelopmentStorage=true";

    private readonly WebApplication app;
    private readonly CosmosEmulatorServer? emulator;
    private readonly AzuriteQueueService? azurite;

    private LocalHost(WebApplication app, CosmosEmulatorServer? emulator, AzuriteQueueService? azurite, FunctionKey functionKey, string cosmosDescription, string storageDescription)
    {
        this.app = app;
        this.emulator = emulator;
        this.azurite = azurite;
        FunctionKey = functionKey;
        CosmosDescription = cosmosDescription;
        StorageDescription = storageDescription;
        BaseAddress = new Uri($"{app.Urls.First().TrimEnd('/')}/{TodoRoutes.Prefix}/");
    }

    /// <summary>The API root, e.g. <c>http://localhost:7071/api/</c>.</summary>
    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>The key the admin endpoints require, from <see cref="FunctionKey.Setting"/> or generated at start-up.</summary>
    public FunctionKey FunctionKey { get; }

    /// <summary>Which Cosmos DB the host uses, for people reading its console.</summary>
    public string CosmosDescription { get; }

    /// <summary>Which storage account the host's queues are in, for people reading its console.</summary>
    public string StorageDescription { get; }

    public static async Task<LocalHost> StartAsync(LocalHostOptions options, CancellationToken cancellationToken = default)
    {
        // The Cosmos SDK probes Azure's instance-metadata address when a client starts; never from here.
        Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

        var builder = WebApplication.CreateBuilder(options.Args);
        builder.Configuration.AddInMemoryCollection(options.Settings);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        CosmosEmulatorServer? emulator = null;
        AzuriteQueueService? azurite = null;
        try
        {
            var cosmosDescription = "the Cosmos DB account in the CosmosDb setting";
            if (!IsCosmosConfigured(builder.Configuration))
            {
                var dataDirectory = builder.Configuration[DataDirectorySetting] ?? RepositoryRoot.DataDirectory("cosmos");
                emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory, Port = 0 }, cancellationToken);
                builder.Configuration[TodoStoreLayout.ConnectionSettingName] = emulator.ConnectionString;
                cosmosDescription = $"the embedded emulator at {emulator.Endpoint}, data in {Path.GetFullPath(dataDirectory)}";
            }
            string storageDescription;
            (azurite, storageDescription) = await StartStorageAsync(builder.Configuration, cancellationToken);
            builder.Configuration[$"{TodoStoreOptions.SectionName}:{nameof(TodoStoreOptions.CreateContainersIfMissing)}"] = "true";
            builder.WebHost.UseUrls(options.Urls ?? builder.Configuration["urls"] ?? DefaultUrls);
            // The executors of ASP.NET Core's own IActionResult types, should a function return one of them.
            builder.Services.AddMvcCore();
            builder.Services.AddTodoApp(builder.Configuration);
            builder.Services.AddQueueFunctions(typeof(TodoHttp).Assembly, QueueTriggerOptions.FromHostJson(builder.Configuration));
            options.ConfigureServices?.Invoke(builder.Services);

            var functionKey = FunctionKey.FromConfiguration(builder.Configuration);
            var app = builder.Build();
            app.MapHttpFunctions([typeof(TodoHttp).Assembly, .. options.AdditionalFunctionAssemblies], functionKey);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
            return new LocalHost(app, emulator, azurite, functionKey, cosmosDescription, storageDescription);
        }
        catch
        {
            if (azurite is not null) await azurite.DisposeAsync();
            if (emulator is not null) await emulator.DisposeAsync();
            throw;
        }
    }

    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        if (azurite is not null) await azurite.DisposeAsync();
        if (emulator is not null) await emulator.DisposeAsync();
    }

    /// <summary>The settings the Cosmos client is built from: a connection string, or an account endpoint for Entra ID.</summary>
    private static bool IsCosmosConfigured(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration.GetConnectionString(TodoStoreLayout.ConnectionSettingName))
        || !string.IsNullOrEmpty(configuration[TodoStoreLayout.ConnectionSettingName])
        || !string.IsNullOrEmpty(configuration[$"{TodoStoreLayout.ConnectionSettingName}:accountEndpoint"]);

    /// <summary>
    /// <c>AzureWebJobsStorage</c> as the Functions host reads it, <c>UseDevelopmentStorage=true</c> when unset. For that
    /// one, Azurite on its default port: one already running, or one this host starts with its data in a folder.
    /// </summary>
    private static async Task<(AzuriteQueueService? Started, string Description)> StartStorageAsync(
        ConfigurationManager configuration, CancellationToken cancellationToken)
    {
        const string Setting = ProjectionQueues.ConnectionSetting;
        if (configuration.GetSection(Setting).GetChildren().Any(identity => identity.Key is "accountName" or "queueServiceUri"))
            return (null, $"the storage account in {Setting}__accountName / __queueServiceUri");
        var connectionString = configuration.GetConnectionString(Setting) ?? configuration[Setting];
        if (string.IsNullOrEmpty(connectionString)) configuration[Setting] = connectionString = DevelopmentStorage;
        if (!connectionString.Equals(DevelopmentStorage, StringComparison.OrdinalIgnoreCase))
            return (null, $"the storage account in the {Setting} setting");
        if (await AzuriteQueueService.IsListeningAsync(AzuriteQueueService.DefaultQueuePort, cancellationToken))
            return (null, $"the Azurite already listening on 127.0.0.1:{AzuriteQueueService.DefaultQueuePort}");

        var dataDirectory = Path.GetFullPath(configuration[AzuriteDataDirectorySetting] ?? RepositoryRoot.DataDirectory("azurite"));
        var azurite = await AzuriteQueueService.StartAsync(
            new AzuriteOptions { QueuePort = AzuriteQueueService.DefaultQueuePort, DataDirectory = dataDirectory }, cancellationToken);
        return (azurite, $"Azurite at {azurite.QueueEndpoint}, data in {dataDirectory}");
    }
}
