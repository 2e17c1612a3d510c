using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Local;
using TodoFunctions.Testing;
using static TodoFunctions.Benchmarks.Statistics;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// How long the projection stalls after a short outage: steady writes to a few todos, then the emulator's fault plan
/// answers with 503 for <see cref="Burst"/>, either every request to the read containers (the projector's handler
/// retries in place) or the change feed processor's own requests to the events change feed or the leases (the SDK
/// releases the lease, and the projector's lease settings decide when it is back). The figure is the time from the burst's end
/// until the read model shows every write acknowledged by then.
/// </summary>
internal static class ProjectionStallBenchmark
{
    private const int Repetitions = 5;
    private const int Todos = 10;

    private static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(120);

    public static async Task RunAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite)
    {
        var emulator = cosmos.Emulator ?? throw new InvalidOperationException("The stall figure needs the embedded emulator's fault plan.");
        await using var host = await LocalHost.StartAsync(new LocalHostOptions
        {
            Urls = "http://127.0.0.1:0",
            Settings = new Dictionary<string, string?>
            {
                [TodoStoreLayout.ConnectionSettingName] = cosmos.ConnectionString,
                [ProjectionQueues.ConnectionSetting] = azurite.ConnectionString,
                ["TodoStore:DatabaseName"] = cosmos.UniqueName("benchmark-stall"),
                ["Logging:LogLevel:Default"] = "None",
            },
        });
        var commands = host.Services.GetRequiredService<TodoCommandService>();
        var readModel = host.Services.GetRequiredService<TodoReadModel>();
        var noWait = new CommandContext("benchmark-stall", WaitForReadModel: false);
        var ids = new List<Guid>();
        for (var i = 0; i < Todos; i++)
            ids.Add(((CommandOutcome.Succeeded)await commands.CreateAsync(new CreateTodo($"stall {i}"), noWait, CancellationToken.None)).Todo.Id);

        foreach (var (outage, rules) in Outages)
            await MeasureAsync(emulator, commands, readModel, noWait, ids, outage, rules);
    }

    private static readonly (string Outage, Func<int, FaultRule[]> Rules)[] Outages =
    [
        ("the read containers", burstMs =>
        [
            new FaultRule { Container = TodoStoreLayout.ReadModelContainer, ForMs = burstMs, Outcome = FaultOutcome.ServiceUnavailable },
            new FaultRule { Container = TodoStoreLayout.AlternateReadModelContainer, ForMs = burstMs, Outcome = FaultOutcome.ServiceUnavailable },
        ]),
        ("the events change feed", burstMs =>
            [new FaultRule { Operations = [FaultOperation.ChangeFeed], Container = TodoStoreLayout.EventsContainer, ForMs = burstMs, Outcome = FaultOutcome.ServiceUnavailable }]),
        ("the leases", burstMs =>
            [new FaultRule { Container = TodoStoreLayout.LeasesContainer, ForMs = burstMs, Outcome = FaultOutcome.ServiceUnavailable }]),
    ];

    private static async Task MeasureAsync(
        CosmosEmulator.CosmosEmulatorServer emulator, TodoCommandService commands, TodoReadModel readModel, CommandContext noWait, List<Guid> ids,
        string outage, Func<int, FaultRule[]> rules)
    {
        var stalls = new List<double>();
        for (var repetition = 0; repetition < Repetitions; repetition++)
        {
            await WaitUntilProjectedAsync(readModel, ids, await AcknowledgedVersionsAsync(commands, ids, noWait, Burst));
            using var writing = new CancellationTokenSource();
            var writer = WriteSteadilyAsync(commands, ids, noWait, writing.Token);
            await Task.Delay(Burst);
            emulator.Faults.Install(new FaultPlan { Seed = repetition, Rules = rules((int)Burst.TotalMilliseconds) });
            await Task.Delay(Burst);
            var burstEnded = Stopwatch.GetTimestamp();
            await writing.CancelAsync();
            var acknowledged = await writer;
            await WaitUntilProjectedAsync(readModel, ids, acknowledged);
            stalls.Add(Stopwatch.GetElapsedTime(burstEnded).TotalMilliseconds);
            emulator.Faults.Clear();
        }

        Console.WriteLine($"Projection stall after a {Burst.TotalMilliseconds:0} ms burst of 503s on {outage}, during steady writes to {Todos} todos");
        Console.WriteLine($"(burst end -> read model shows every write acknowledged by then; {Repetitions} repetitions):");
        Console.WriteLine($"  {"",-40} {"median",7}  {"max",7}");
        Report("stall (ms)", stalls);
        Console.WriteLine($"  all: {string.Join(", ", stalls.Select(stall => stall.ToString("0")))}");
    }

    private static async Task<Dictionary<Guid, long>> AcknowledgedVersionsAsync(TodoCommandService commands, List<Guid> ids, CommandContext context, TimeSpan duration)
    {
        using var writing = new CancellationTokenSource(duration);
        return await WriteSteadilyAsync(commands, ids, context, writing.Token);
    }

    /// <summary>Updates the todos in turn until stopped; the highest acknowledged version of each.</summary>
    private static async Task<Dictionary<Guid, long>> WriteSteadilyAsync(TodoCommandService commands, List<Guid> ids, CommandContext context, CancellationToken stop)
    {
        var acknowledged = new Dictionary<Guid, long>();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var id = ids[i % ids.Count];
            if (await commands.ExecuteAsync(id, new UpdateTodo(Order: i), context, CancellationToken.None) is CommandOutcome.Succeeded succeeded)
                acknowledged[id] = succeeded.Todo.Version;
            await Task.Delay(WriteInterval, CancellationToken.None);
        }
        return acknowledged;
    }

    private static async Task WaitUntilProjectedAsync(TodoReadModel readModel, List<Guid> ids, Dictionary<Guid, long> acknowledged)
    {
        var giveUp = Stopwatch.GetTimestamp();
        foreach (var id in ids.Where(acknowledged.ContainsKey))
            while (await ShownVersionAsync(readModel, id) < acknowledged[id])
            {
                if (Stopwatch.GetElapsedTime(giveUp) > GiveUpAfter) throw new TimeoutException($"The read model did not catch up with todo {id} within {GiveUpAfter}.");
                await Task.Delay(PollInterval);
            }
    }

    private static async Task<long> ShownVersionAsync(TodoReadModel readModel, Guid id)
    {
        try
        {
            return (await readModel.GetAsync(id, cancellationToken: CancellationToken.None))?.Version ?? 0;
        }
        catch (Microsoft.Azure.Cosmos.CosmosException)
        {
            return 0;
        }
    }
}
