using System.Reflection;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.Local;
using TodoFunctions.Testing;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// The local host started in this process on a free port, over the suite's Cosmos DB endpoint (the embedded emulator
/// unless <see cref="CosmosEndpoint.ConnectionStringVariable"/> names another) in a database of its own, and over a
/// <see cref="StorageEndpoint"/> of its own.
/// </summary>
public class LocalHostFixture : IAsyncLifetime
{
    /// <summary>The admin API's key: set, so that tests can also start a second host on the same data with the same key.</summary>
    public const string AdminKey = "test-function-key";

    private readonly CosmosEndpoint cosmos = new();
    private readonly string databaseName;

    public LocalHostFixture() => databaseName = cosmos.UniqueName("api-tests");

    public LocalHost Host { get; private set; } = null!;

    /// <summary>The embedded emulator, for a test that installs a fault plan; <c>null</c> when the suite runs on another endpoint.</summary>
    public CosmosEmulatorServer? Emulator => cosmos.Emulator;

    public StorageEndpoint Storage { get; } = new();

    /// <summary>A client whose base address is the API root, <c>…/api/</c>.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>A client that sends the function key with every request, as an operator calls the admin API.</summary>
    public HttpClient AdminClient { get; private set; } = null!;

    /// <summary>Everything a local host needs to run on this fixture's data: Cosmos DB, its database, storage, the key.</summary>
    public IReadOnlyDictionary<string, string?> HostSettings { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(cosmos.InitializeAsync(), Storage.InitializeAsync());
        var settings = new Dictionary<string, string?>(Storage.Settings)
        {
            [TodoStoreLayout.ConnectionSettingName] = cosmos.ConnectionString,
            ["TodoStore:DatabaseName"] = databaseName,
            // A rebuild switches after twice this, once every instance can have seen it; short, so rebuilds end soon.
            ["TodoStore:ReadModelPointerCacheDuration"] = "00:00:00.5",
            [FunctionKey.Setting] = AdminKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (name, value) in Settings) settings[name] = value;
        HostSettings = settings;
        Host = await StartHostAsync();
        Client = new HttpClient { BaseAddress = Host.BaseAddress };
        AdminClient = new HttpClient { BaseAddress = Host.BaseAddress };
        AdminClient.DefaultRequestHeaders.Add(FunctionKey.Header, AdminKey);
    }

    /// <summary>Starts a local host on this fixture's data; the fixture's own is <see cref="Host"/>.</summary>
    public Task<LocalHost> StartHostAsync(Action<IServiceCollection>? configureServices = null) =>
        LocalHost.StartAsync(new LocalHostOptions
        {
            Urls = "http://127.0.0.1:0",
            Settings = HostSettings,
            AdditionalFunctionAssemblies = AdditionalFunctionAssemblies,
            ConfigureServices = services =>
            {
                ConfigureServices(services);
                configureServices?.Invoke(services);
            },
        });

    public async Task DisposeAsync()
    {
        Client.Dispose();
        AdminClient.Dispose();
        await Host.DisposeAsync();
        if (!cosmos.IsEmbedded) await cosmos.CreateClient().GetDatabase(databaseName).DeleteAsync();
        await Task.WhenAll(cosmos.DisposeAsync(), Storage.DisposeAsync());
    }

    /// <summary>The events container of this fixture's database, from outside the app.</summary>
    internal EventLog Events
    {
        get
        {
            var options = Host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
            return new EventLog(Host.Services.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.EventsContainer));
        }
    }

    /// <summary>Every document in the events container (events and snapshots): what a write stores, counted.</summary>
    public async Task<int> CountStoredEventDocumentsAsync()
    {
        var options = Host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
        var events = Host.Services.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.EventsContainer);
        using var count = events.GetItemQueryIterator<int>("SELECT VALUE COUNT(1) FROM c");
        return (await count.ReadNextAsync()).Single();
    }

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected virtual IReadOnlyList<Assembly> AdditionalFunctionAssemblies => [];
}

/// <summary>The specifications that share one local host; they run one after another, so list-wide ones can clear it.</summary>
[CollectionDefinition(Name)]
public sealed class LocalHostCollection : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "local host";
}
