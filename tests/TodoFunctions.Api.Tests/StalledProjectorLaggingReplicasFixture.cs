using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Local;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// Two local hosts on one emulator whose projector never sees a write (every change feed read of the events container
/// fails) and whose replicas lag: a reader without a recent enough session token sees the data as it was seconds ago.
/// Whatever the write path shows, it shows by itself.
/// </summary>
public sealed class StalledProjectorLaggingReplicasFixture : IAsyncLifetime
{
    public static readonly TimeSpan ReplicaLag = TimeSpan.FromSeconds(3);

    private readonly StorageEndpoint storage = new();
    private CosmosEmulatorServer emulator = null!;
    private LocalHost writer = null!;
    private LocalHost other = null!;

    /// <summary>The host that serves the writes.</summary>
    public HttpClient Writer { get; private set; } = null!;

    /// <summary>Another instance of the app: its own Cosmos client has never seen the writer's session.</summary>
    public HttpClient Other { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await storage.InitializeAsync();
        emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { ReplicaLag = ReplicaLag });
        emulator.Faults.Install(new FaultPlan
        {
            Seed = 12,
            Rules = [new FaultRule { Operations = [FaultOperation.ChangeFeed], Container = TodoStoreLayout.EventsContainer, Outcome = FaultOutcome.ServiceUnavailable }],
        });
        // The first creates the database and containers; the second must find them, which a lagging replica hides for a while.
        writer = await StartHostAsync("writer");
        await Task.Delay(ReplicaLag);
        other = await StartHostAsync("other");
        Writer = new HttpClient { BaseAddress = writer.BaseAddress };
        Other = new HttpClient { BaseAddress = other.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Writer.Dispose();
        Other.Dispose();
        await writer.DisposeAsync();
        await other.DisposeAsync();
        await emulator.DisposeAsync();
        await storage.DisposeAsync();
    }

    private Task<LocalHost> StartHostAsync(string instance) => LocalHost.StartAsync(new LocalHostOptions
    {
        Urls = "http://127.0.0.1:0",
        Settings = new Dictionary<string, string?>(storage.Settings)
        {
            [TodoStoreLayout.ConnectionSettingName] = emulator.ConnectionString,
            ["TodoStore:InstanceName"] = instance,
            // Well below the lag, so a write the projector would have to show answers "not caught up" long before the lag passes.
            ["TodoStore:ReadYourWritesTimeout"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "None",
        },
    });
}
