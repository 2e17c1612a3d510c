using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos;
using TodoFunctions.Local;
using TodoFunctions.Testing;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// The local host started in this process on a free port, over the suite's Cosmos DB endpoint (the embedded emulator
/// unless <see cref="CosmosEndpoint.ConnectionStringVariable"/> names another) in a database of its own.
/// </summary>
public class LocalHostFixture : IAsyncLifetime
{
    private readonly CosmosEndpoint cosmos = new();
    private readonly string databaseName;

    public LocalHostFixture() => databaseName = cosmos.UniqueName("api-tests");

    public LocalHost Host { get; private set; } = null!;

    /// <summary>A client whose base address is the API root, <c>…/api/</c>.</summary>
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await cosmos.InitializeAsync();
        var settings = new Dictionary<string, string?>(Settings)
        {
            [TodoStoreLayout.ConnectionSettingName] = cosmos.ConnectionString,
            ["TodoStore:DatabaseName"] = databaseName,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        Host = await LocalHost.StartAsync(new LocalHostOptions { Urls = "http://127.0.0.1:0", Settings = settings, ConfigureServices = ConfigureServices });
        Client = new HttpClient { BaseAddress = Host.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        if (!cosmos.IsEmbedded) await cosmos.CreateClient().GetDatabase(databaseName).DeleteAsync();
        await cosmos.DisposeAsync();
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
}

/// <summary>The specifications that share one local host; they run one after another, so list-wide ones can clear it.</summary>
[CollectionDefinition(Name)]
public sealed class LocalHostCollection : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "local host";
}
