using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.Domain;
using TodoFunctions.Local;
using TodoFunctions.Testing;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// The projection's catch-up on a backlog: events appended through the event store while no projector runs, then
/// the change feed processors started on it and timed until every event is projected. With the events container at
/// 1 and at 4 partition key ranges (one lease, one feed, each), the todo view alone and with the statistics
/// projection, read-first (the projector as it was) against create-first. <c>CATCHUP_EVENTS</c> shrinks the backlog,
/// <c>CATCHUP_APPENDS_PER_TODO</c> splits each todo's events over more appends (more, smaller deliveries per todo),
/// and <c>TodoStore__…</c> environment variables set the projector's settings.
/// </summary>
internal static class CatchUpBenchmark
{
    private const int EventsPerTodo = 10;
    private const string Database = "catchup";
    private static readonly int[] RangeCounts = [1, 4];

    public static async Task RunAsync(AzuriteQueueService azurite)
    {
        var backlog = Setting("CATCHUP_EVENTS", 50_000) / EventsPerTodo * EventsPerTodo;
        var appends = Math.Clamp(Setting("CATCHUP_APPENDS_PER_TODO", 2), 1, EventsPerTodo);
        var settings = new TodoStoreOptions();
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(TodoStoreOptions.SectionName).Bind(settings);
        Console.WriteLine($"Projection catch-up on a {backlog:N0}-event backlog ({backlog / EventsPerTodo:N0} todos of {EventsPerTodo} events, " +
            $"each appended in {appends} appends, the todos interleaved), projector parallelism {settings.ProjectorParallelism}, " +
            $"change-feed pages of at most {settings.ChangeFeedMaxItems}; requests and modelled RU of the processors and projectors:");
        Console.WriteLine($"  {"ranges",6} {"projections",-22} {"path",-13} {"events/s",9} {"requests/todo",14} {"RU/event",9} {"ratio",6}");
        var run = 0;
        foreach (var ranges in RangeCounts)
        {
            await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions
            {
                PartitionKeyRangesByContainer = new Dictionary<string, int> { [TodoStoreLayout.EventsContainer] = ranges },
            });
            await SeedAsync(emulator, azurite, backlog, appends);
            foreach (var withStatistics in new[] { false, true })
            {
                double? readFirst = null;
                foreach (var createsWithoutRead in new[] { false, true })
                {
                    var (eventsPerSecond, requests, charge) = await CatchUpAsync(emulator, azurite, backlog, withStatistics, createsWithoutRead, run++);
                    readFirst ??= eventsPerSecond;
                    Console.WriteLine($"  {ranges,6} {(withStatistics ? "todo view + statistics" : "todo view"),-22} " +
                        $"{(createsWithoutRead ? "create-first" : "read-first"),-13} {eventsPerSecond,9:0} {requests / (backlog / (double)EventsPerTodo),14:0.00} " +
                        $"{charge / backlog,9:0.00} {eventsPerSecond / readFirst,5:0.00}x");
                }
            }
        }
    }

    /// <summary>Appends every todo's events in rounds, so the change feed mixes the todos and delivers each in several parts.</summary>
    private static async Task SeedAsync(CosmosEmulatorServer emulator, AzuriteQueueService azurite, int backlog, int appends)
    {
        using var host = Build(Configuration(emulator, azurite, new()), new CosmosRequestLog(), _ => { });
        await host.StartAsync();
        var store = host.Services.GetRequiredService<EventStore>();
        var context = new CommandContext("catchup-backlog", WaitForReadModel: false);
        TodoEvent[] events = [new TodoCreated("backlog", false, null), .. Enumerable.Range(0, EventsPerTodo - 1).Select(i => i % 2 == 0 ? (TodoEvent)new TodoCompleted() : new TodoUncompleted())];
        var streams = Enumerable.Range(0, backlog / EventsPerTodo).Select(_ => TodoStream.Unwritten(Guid.NewGuid())).ToArray();
        var started = Stopwatch.GetTimestamp();
        for (var round = 0; round < appends; round++)
        {
            var (from, to) = (round * EventsPerTodo / appends, (round + 1) * EventsPerTodo / appends);
            await Parallel.ForAsync(0, streams.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (todo, token) =>
                streams[todo] = (await store.TryAppendAsync(streams[todo], events[from..to], context, token))!);
        }
        Console.WriteLine($"  (backlog appended in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s)");
        await host.StopAsync();
    }

    /// <summary>
    /// Starts the processors on read and lease containers of the run's own, so every run projects the whole backlog
    /// afresh; timed from the host's start until each projection has handled every event once.
    /// </summary>
    private static async Task<(double EventsPerSecond, int Requests, double Charge)> CatchUpAsync(
        CosmosEmulatorServer emulator, AzuriteQueueService azurite, int backlog, bool withStatistics, bool createsWithoutRead, int run)
    {
        var log = new CosmosRequestLog();
        var view = new ConcurrentDictionary<string, bool>();
        var statistics = new ConcurrentDictionary<string, bool>();
        var configuration = Configuration(emulator, azurite, new()
        {
            ["TodoStore:ReadModelContainer"] = $"todo-view-{run}",
            ["TodoStore:AlternateReadModelContainer"] = $"todo-view-{run}-alternate",
            ["TodoStore:LeasesContainer"] = $"leases-{run}",
            ["TodoStore:ProjectorCreatesWithoutRead"] = createsWithoutRead.ToString(),
        });
        using var host = Build(configuration, log, services =>
        {
            services.AddChangeFeedProjection((provider, batch, token) => ProjectAsync(provider.GetRequiredService<TodoProjector>(), batch, view, token));
            if (withStatistics)
                services.AddChangeFeedProjection(options => options.StatisticsProcessorName,
                    (provider, batch, token) => ProjectAsync(provider.GetRequiredService<TodoStatisticsProjector>(), batch, statistics, token));
        });
        var started = Stopwatch.GetTimestamp();
        await host.StartAsync();
        while (view.Count < backlog || (withStatistics && statistics.Count < backlog)) await Task.Delay(10);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var sent = log.Requests.ToList();
        await host.StopAsync();
        return (backlog / elapsed.TotalSeconds, sent.Count, sent.Sum(request => request.Charge));
    }

    /// <summary>Projects a page as the app's handler does, then notes its events as handled (a page delivered again counts once).</summary>
    private static async Task ProjectAsync(TodoProjector projector, IReadOnlyList<JsonElement> batch, ConcurrentDictionary<string, bool> handled, CancellationToken token)
    {
        await projector.ProjectAsync(batch, token);
        foreach (var document in batch.Where(document => document.GetProperty("kind").GetString() == EventDocument.EventKind))
            handled.TryAdd(document.GetProperty("id").GetString()!, true);
    }

    private static IHost Build(IConfiguration configuration, CosmosRequestLog log, Action<IServiceCollection> projections)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging().AddTodoCosmos(configuration)
            .Configure<CosmosClientOptions>(options => options.HttpClientFactory = () => new HttpClient(log, disposeHandler: false))
            .AddSingleton(_ => StorageQueues.FromConfiguration(configuration))
            .AddSingleton<IPoisonEventSink, DeadLetterQueue>();
        projections(builder.Services);
        return builder.Build();
    }

    private static IConfiguration Configuration(CosmosEmulatorServer emulator, AzuriteQueueService azurite, Dictionary<string, string?> run) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:CosmosDb"] = emulator.ConnectionString,
            [ProjectionQueues.ConnectionSetting] = azurite.ConnectionString,
            ["TodoStore:DatabaseName"] = Database,
            ["TodoStore:CreateContainersIfMissing"] = "true",
            ["TodoStore:InstanceName"] = "catchup",
        }).AddEnvironmentVariables().AddInMemoryCollection(run).Build();

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var value) && value > 0 ? value : fallback;
}
