using System.Diagnostics;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Local;
using TodoFunctions.Testing;
using static TodoFunctions.Benchmarks.Statistics;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// What <c>/api/stats</c> costs as the list grows (its aggregate reads every statistics document) and what a 304
/// costs (no aggregate), then the statistics projection's catch-up on a 50k-event backlog: its round trips and RU per
/// event, and events per second.
/// </summary>
internal static class StatisticsBenchmark
{
    private const int Runs = 10;
    private const int BacklogEvents = 50_000;
    private const int EventsPerTodo = 10;
    private const int FeedPageSize = 100;
    private static readonly int[] Sizes = [1_000, 10_000];

    public static async Task RunAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite)
    {
        Console.WriteLine($"GET /api/stats: Cosmos round trips and modelled RU per answer, latency over HTTP ({Runs} runs).");
        Console.WriteLine($"  {"",-18} {"todos",6} {"trips",6} {"RU",9} {"median ms",10} {"p95 ms",8}");
        var log = new CosmosRequestLog();
        await using (var host = await BenchmarkHosts.StartAsync(cosmos, azurite, log, "benchmark-stats"))
        {
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            var statistics = host.Services.GetRequiredService<TodoStatistics>();
            var filled = 0;
            foreach (var size in Sizes)
            {
                await FillAsync(host, statistics, filled, size);
                filled = size;
                var etag = (await http.GetAsync("stats")).Headers.ETag!.ToString();
                await MeasureAsync(log, http, $"200 {size}", size, async () => await (await statistics.LiveAsync(default)).ComputeAsync(default), null);
                await MeasureAsync(log, http, $"304 {size}", size, async () => await (await statistics.LiveAsync(default)).ValidatorAsync(default), etag);
            }
        }
        Console.WriteLine();
        await CatchUpAsync(cosmos, azurite);
    }

    /// <summary>Creates todos (a third completed, a tenth deleted) through the command service, then waits for the statistics.</summary>
    private static async Task FillAsync(LocalHost host, TodoStatistics statistics, int from, int to)
    {
        var commands = host.Services.GetRequiredService<TodoCommandService>();
        var context = new CommandContext("benchmark-stats", WaitForReadModel: false);
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(from, to, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            var id = ((CommandOutcome.Succeeded)await commands.CreateAsync(new CreateTodo($"todo {i}", Completed: i % 3 == 0), context, token)).Todo.Id;
            if (i % 10 == 0) await commands.ExecuteAsync(id, new DeleteTodo(), context, token);
        });
        var expected = to - (to + 9) / 10;
        while ((await (await statistics.LiveAsync(default)).ComputeAsync(default)).Total < expected) await Task.Delay(500);
        Console.WriteLine($"  (filled {to - from} todos through the command service and both projections in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s)");
    }

    private static async Task MeasureAsync(CosmosRequestLog log, HttpClient http, string operation, int size, Func<Task> read, string? ifNoneMatch)
    {
        for (var run = 0; run < Runs; run++)
            using (log.Measure(operation)) await read();
        var latencies = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "stats");
            if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            var start = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        var sent = log.Requests.Where(request => request.Operation == operation).ToList();
        Console.WriteLine($"  {operation.Split(' ')[0] + " answer",-18} {size,6} {sent.Count / (double)Runs,6:0.0} {sent.Sum(r => r.Charge) / Runs,9:0.0} " +
            $"{Percentile(latencies, 0.5),10:0.0} {Percentile(latencies, 0.95),8:0.0}");
    }

    /// <summary>
    /// A backlog appended through the event store (one batch of <see cref="EventsPerTodo"/> events per todo), then the
    /// statistics projector alone fed the change feed page by page, as its processor would be: no todo view writes.
    /// </summary>
    private static async Task CatchUpAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite)
    {
        var log = new CosmosRequestLog();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:CosmosDb"] = cosmos.ConnectionString,
            [ProjectionQueues.ConnectionSetting] = azurite.ConnectionString,
            ["TodoStore:DatabaseName"] = cosmos.UniqueName("benchmark-stats-backlog"),
            ["TodoStore:CreateContainersIfMissing"] = "true",
        }).Build();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging().AddTodoCosmos(configuration)
            .Configure<CosmosClientOptions>(options => options.HttpClientFactory = () => new HttpClient(log, disposeHandler: false))
            .AddSingleton(_ => StorageQueues.FromConfiguration(configuration))
            .AddSingleton<IPoisonEventSink, DeadLetterQueue>();
        using var host = builder.Build();
        await host.StartAsync();
        var store = host.Services.GetRequiredService<EventStore>();
        var context = new CommandContext("benchmark-backlog", WaitForReadModel: false);
        TodoEvent[] stream = [new TodoCreated("backlog", false, null), .. Enumerable.Range(0, EventsPerTodo - 1).Select(i => i % 2 == 0 ? (TodoEvent)new TodoCompleted() : new TodoUncompleted())];
        var seeded = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, BacklogEvents / EventsPerTodo, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, token) =>
            await store.TryAppendAsync(TodoStream.Unwritten(Guid.NewGuid()), stream, context, token));
        Console.WriteLine($"Statistics projection catch-up on a {BacklogEvents:N0}-event backlog ({BacklogEvents / EventsPerTodo:N0} todos, " +
            $"appended through the event store in {Stopwatch.GetElapsedTime(seeded).TotalSeconds:0.0} s), change-feed pages of {FeedPageSize}:");

        var options = host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
        var events = host.Services.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.EventsContainer);
        var projector = host.Services.GetRequiredService<TodoStatisticsProjector>();
        using var feed = events.GetChangeFeedIterator<JsonElement>(
            ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion, new ChangeFeedRequestOptions { PageSizeHint = FeedPageSize });
        var started = Stopwatch.GetTimestamp();
        var delivered = 0;
        while (true)
        {
            var page = await feed.ReadNextAsync();
            if (page.StatusCode == System.Net.HttpStatusCode.NotModified) break;
            var documents = page.ToList();
            delivered += documents.Count(document => document.GetProperty("kind").GetString() == EventDocument.EventKind);
            using (log.Measure("statistics projection")) await projector.ProjectAsync(documents, default);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        var sent = log.Requests.Where(request => request.Operation == "statistics projection").ToList();
        Console.WriteLine($"  {delivered:N0} events in {elapsed.TotalSeconds:0.0} s: {delivered / elapsed.TotalSeconds:0} events/s (feed reads included); " +
            $"{sent.Count / (double)delivered:0.00} round trips and {sent.Sum(r => r.Charge) / delivered:0.00} RU per event " +
            $"({sent.Count / (double)(BacklogEvents / EventsPerTodo):0.0} round trips per todo, {EventsPerTodo} events each)");
        await host.StopAsync();
    }
}
