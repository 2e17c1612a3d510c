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
    public static Task<LocalHost> StartAsync(
        CosmosEndpoint cosmos, AzuriteQueueService azurite, CosmosRequestLog log, string databaseName, IReadOnlyDictionary<string, string?>? settings = null) =>
        LocalHost.StartAsync(new LocalHostOptions
        {
            Urls = "http://127.0.0.1:0",
            Settings = new Dictionary<string, string?>
            {
                [TodoStoreLayout.ConnectionSettingName] = cosmos.ConnectionString,
                [ProjectionQueues.ConnectionSetting] = azurite.ConnectionString,
                ["TodoStore:DatabaseName"] = cosmos.UniqueName(databaseName),
                ["Logging:LogLevel:Default"] = "Warning",
            }.Concat(settings ?? new Dictionary<string, string?>()).ToDictionary(),
            ConfigureServices = services => services.Configure<CosmosClientOptions>(options =>
                options.HttpClientFactory = () => new HttpClient(log, disposeHandler: false)),
        });
}
