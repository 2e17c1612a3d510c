using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Faults;

namespace TodoFunctions.CosmosEmulator.Tests.Faults;

/// <summary>An embedded emulator with a database and a <c>/pk</c>-partitioned container "todos", and an SDK client
/// on it; faults are installed after the setup, so only the requests of the test meet them.</summary>
internal sealed class FaultTestBed : IAsyncDisposable
{
    private FaultTestBed(CosmosEmulatorServer emulator, CosmosClient client, Container todos)
    {
        Emulator = emulator;
        Client = client;
        Todos = todos;
    }

    public CosmosEmulatorServer Emulator { get; }

    public CosmosClient Client { get; }

    public Container Todos { get; }

    public IReadOnlyList<InjectedFault> Injected => Emulator.Faults.Injected;

    public static async Task<FaultTestBed> StartAsync(CosmosEmulatorOptions? options = null, Action<CosmosClientOptions>? configure = null)
    {
        var emulator = await CosmosEmulatorServer.StartAsync(options ?? new CosmosEmulatorOptions());
        var clientOptions = new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true };
        configure?.Invoke(clientOptions);
        var client = new CosmosClient(emulator.ConnectionString, clientOptions);
        var database = (await client.CreateDatabaseIfNotExistsAsync("faults")).Database;
        var todos = (await database.CreateContainerIfNotExistsAsync("todos", "/pk")).Container;
        return new FaultTestBed(emulator, client, todos);
    }

    public FaultPlan Install(params FaultRule[] rules) => Emulator.Faults.Install(new FaultPlan { Seed = 7, Rules = rules });

    public Task<ItemResponse<JObject>> CreateAsync(string id, string pk = "p") =>
        Todos.CreateItemAsync(new JObject { ["id"] = id, ["pk"] = pk }, new PartitionKey(pk));

    public async Task<bool> ExistsAsync(string id, string pk = "p")
    {
        using var response = await Todos.ReadItemStreamAsync(id, new PartitionKey(pk));
        return response.IsSuccessStatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }
}
