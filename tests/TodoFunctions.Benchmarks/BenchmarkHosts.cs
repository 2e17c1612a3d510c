using System.Reflection;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.Local;
using TodoFunctions.Testing;

namespace TodoFunctions.Benchmarks;

/// <summary>The local host a benchmark section measures: a database of its own, every Cosmos request recorded in a log.</summary>
internal static class BenchmarkHosts
{
    /// <param name="additionalFunctionAssemblies">Function classes served beside the app's, e.g. the plain-CRUD baseline.</param>
    /// <param name="overrides">Settings that win over these, e.g. a poll interval, or one database shared by two hosts.</param>
    public static Task<LocalHost> StartAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite, CosmosRequestLog log, string databaseName,
        IReadOnlyDictionary<string, string?>? overrides = null, IReadOnlyList<Assembly>? additionalFunctionAssemblies = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [TodoStoreLayout.ConnectionSettingName] = cosmos.ConnectionString,
            [ProjectionQueues.ConnectionSetting] = azurite.ConnectionString,
            ["TodoStore:DatabaseName"] = cosmos.UniqueName(databaseName),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>()) settings[name] = value;
        return LocalHost.StartAsync(new LocalHostOptions
        {
            Urls = "http://127.0.0.1:0",
            AdditionalFunctionAssemblies = additionalFunctionAssemblies ?? [],
            Settings = settings,
            ConfigureServices = services => services.Configure<CosmosClientOptions>(options =>
                options.HttpClientFactory = () => new HttpClient(log, disposeHandler: false)),
        });
    }
}
