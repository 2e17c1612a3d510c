using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.Local;
using TodoFunctions.Testing;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// What the soak runs against: one embedded emulator in this process (so faults and splits are installed directly),
/// one Azurite, and two local host processes on them with distinct instance names, so their change feed processors
/// share the leases as two Functions instances would.
/// </summary>
internal sealed class SoakCluster : IAsyncDisposable
{
    public const string DatabaseName = "soak";
    public const string AdminKey = "soak-function-key";
    public const int Hosts = 2;
    private const int EventRanges = 4;

    private readonly AzuriteQueueService azurite;
    private readonly LocalHostProcess?[] hosts = new LocalHostProcess?[Hosts];
    private int processesEnded;

    private SoakCluster(CosmosEmulatorServer emulator, AzuriteQueueService azurite)
    {
        Emulator = emulator;
        this.azurite = azurite;
    }

    public CosmosEmulatorServer Emulator { get; }

    /// <summary>Where each host process's log is written when it ends (killed, or at the end of the run).</summary>
    public string LogDirectory { get; } = Directory.CreateTempSubdirectory("todofunctions-soak-").FullName;

    public static async Task<SoakCluster> StartAsync(TimeSpan replicaLag)
    {
        var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions
        {
            PartitionKeyRangesByContainer = new Dictionary<string, int> { [TodoStoreLayout.EventsContainer] = EventRanges },
            ReplicaLag = replicaLag,
        });
        var cluster = new SoakCluster(emulator, await AzuriteQueueService.StartAsync(new AzuriteOptions()));
        // One after the other: the first creates the database and containers, the second finds them.
        for (var host = 0; host < Hosts; host++) cluster.hosts[host] = await LocalHostProcess.StartAsync(cluster.Settings(host));
        return cluster;
    }

    /// <summary>The API root of a host, or null while it is down.</summary>
    public Uri? BaseAddress(int host) => Volatile.Read(ref hosts[host])?.BaseAddress;

    /// <summary>SIGKILL, then the same instance again: it takes its own leases back at once.</summary>
    public async Task KillAndRestartAsync(int host)
    {
        await EndAsync(host, Interlocked.Exchange(ref hosts[host], null)!);
        Volatile.Write(ref hosts[host], await LocalHostProcess.StartAsync(Settings(host)));
    }

    /// <summary>Splits one of the events container's partition key ranges while requests flow.</summary>
    public IReadOnlyList<string> SplitEventsRange(string rangeId) =>
        Emulator.SplitPartitionKeyRange(DatabaseName, TodoStoreLayout.EventsContainer, rangeId);

    public static string InitialEventsRange(Random random) => random.Next(EventRanges).ToString();

    public async ValueTask DisposeAsync()
    {
        for (var host = 0; host < Hosts; host++)
            if (hosts[host] is { } process) await EndAsync(host, process);
        await azurite.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    private async Task EndAsync(int host, LocalHostProcess process)
    {
        await process.DisposeAsync();
        await File.WriteAllLinesAsync(Path.Combine(LogDirectory, $"host-{host + 1}-process-{Interlocked.Increment(ref processesEnded)}.log"), process.Output);
    }

    private Dictionary<string, string?> Settings(int host) => new()
    {
        [TodoStoreLayout.ConnectionSettingName] = Emulator.ConnectionString,
        ["TodoStore:DatabaseName"] = DatabaseName,
        ["TodoStore:InstanceName"] = $"soak-host-{host + 1}",
        [ProjectionQueues.ConnectionSetting] = azurite.ConnectionString,
        [FunctionKey.Setting] = AdminKey,
        ["Logging:LogLevel:Default"] = "Warning",
    };
}
