using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// The store wired exactly as the app wires it (<see cref="TodoCosmosServiceCollectionExtensions"/>), on a database
/// of its own, optionally with the change feed projector running in the same host.
/// </summary>
internal sealed class TodoStoreHarness : IAsyncDisposable
{
    private readonly IHost host;
    private readonly bool ownsDatabase;

    private TodoStoreHarness(IHost host, RequestLog requests, BatchFaults faults, string databaseName, bool ownsDatabase)
    {
        this.host = host;
        this.ownsDatabase = ownsDatabase;
        Requests = requests;
        Faults = faults;
        DatabaseName = databaseName;
    }

    public RequestLog Requests { get; }
    public BatchFaults Faults { get; }
    public string DatabaseName { get; }
    public EventStore Store => host.Services.GetRequiredService<EventStore>();
    public TodoCommandService Commands => host.Services.GetRequiredService<TodoCommandService>();
    public TodoReadModel ReadModel => host.Services.GetRequiredService<TodoReadModel>();
    public TodoProjector Projector => host.Services.GetRequiredService<TodoProjector>();
    public ReadModelCatchUp CatchUp => host.Services.GetRequiredService<ReadModelCatchUp>();
    public Container Events => Container(TodoStoreLayout.EventsContainer);
    public Container ReadContainer => Container(TodoStoreLayout.ReadModelContainer);

    public static async Task<TodoStoreHarness> StartAsync(
        CosmosEndpoint endpoint, bool withProjector, string? databaseName = null, TimeSpan? readYourWritesTimeout = null)
    {
        var ownsDatabase = databaseName is null;
        databaseName ??= endpoint.UniqueName("todos");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:CosmosDb"] = endpoint.ConnectionString,
            ["TodoStore:DatabaseName"] = databaseName,
            ["TodoStore:CreateContainersIfMissing"] = "true",
            ["TodoStore:ReadYourWritesTimeout"] = (readYourWritesTimeout ?? TimeSpan.FromSeconds(10)).ToString(),
            ["TodoStore:ChangeFeedPollInterval"] = "00:00:00.050",
        }).Build();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddTodoCosmos(configuration);
        var requests = new RequestLog();
        var faults = new BatchFaults();
        builder.Services.Configure<CosmosClientOptions>(options =>
        {
            options.CustomHandlers.Add(requests);
            options.CustomHandlers.Add(faults);
        });
        if (withProjector)
            builder.Services.AddChangeFeedProjection((services, batch, cancellationToken) =>
                services.GetRequiredService<TodoProjector>().ProjectAsync(batch, cancellationToken));

        var host = builder.Build();
        await host.StartAsync();
        return new TodoStoreHarness(host, requests, faults, databaseName, ownsDatabase);
    }

    public static CommandContext NoWait(string correlationId = "test") => new(correlationId, WaitForReadModel: false);

    public async Task<Guid> CreateAsync(string title, bool waitForReadModel = false, int? order = null)
    {
        var outcome = await Commands.CreateAsync(new CreateTodo(title, Order: order), new CommandContext("create", WaitForReadModel: waitForReadModel), default);
        return Assert.IsType<CommandOutcome.Succeeded>(outcome).Todo.Id;
    }

    /// <summary>Every document of the events container for one todo, events and snapshot, as the change feed delivers them.</summary>
    public async Task<List<EventDocument>> DocumentsOfAsync(Guid todoId)
    {
        var documents = new List<EventDocument>();
        using var iterator = Events.GetItemQueryIterator<EventDocument>(
            "SELECT * FROM c", requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(todoId.ToString()) });
        while (iterator.HasMoreResults) documents.AddRange(await iterator.ReadNextAsync());
        return documents;
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        if (ownsDatabase)
            await host.Services.GetRequiredService<CosmosClient>().GetDatabase(DatabaseName).DeleteAsync();
        host.Dispose();
    }

    private Container Container(string name) => host.Services.GetRequiredService<CosmosClient>().GetContainer(DatabaseName, name);
}
