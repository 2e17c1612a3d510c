using System.Diagnostics;
using System.Text;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Api.Queues;
using TodoFunctions.Benchmarks;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Local;
using TodoFunctions.Testing;
using static TodoFunctions.Benchmarks.Statistics;

// Before any CosmosClient exists: the SDK must never probe Azure's instance-metadata address from here.
Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

const int Samples = 100;
const int LongStream = 50;

var log = new CosmosRequestLog();
var cosmos = new CosmosEndpoint();
await cosmos.InitializeAsync();
await using var azurite = await AzuriteQueueService.StartAsync(new AzuriteOptions());
try
{
    // `dotnet run -- stall` measures only the projection stall after a burst of 503s.
    if (args is ["stall"])
    {
        await ProjectionStallBenchmark.RunAsync(cosmos, azurite);
        return;
    }
    // `dotnet run -- paging` measures only the paged list at 1k and 20k todos and the 304 list poll.
    if (args is ["paging"])
    {
        await PagingBenchmark.RunAsync(cosmos, azurite);
        return;
    }
    // `dotnet run -- history` measures only restore and the state at version 10 and 1,000 against their baselines.
    if (args is ["history"])
    {
        await HistoryBenchmark.RunAsync(cosmos, azurite);
        return;
    }
    // `dotnet run -- stats` measures only /api/stats at 1k and 10k todos, its 304, and the statistics projection's catch-up.
    if (args is ["stats"])
    {
        await StatisticsBenchmark.RunAsync(cosmos, azurite);
        return;
    }
    // `dotnet run -- ryw` measures only POST and PATCH with read-your-writes against no-wait (poll 100 ms and 5 s, one and two hosts), and the round trips and RU per command.
    if (args is ["ryw"])
    {
        await ReadYourWritesBenchmark.RunAsync(cosmos, azurite);
        return;
    }
    // `dotnet run -- load` measures only the HTTP load mix: event-sourced against the plain-CRUD baseline, 8 and 32 clients.
    if (args is ["load"])
    {
        await LoadBenchmark.RunAsync(cosmos, azurite);
        return;
    }
    // `dotnet run -- catchup` measures only the projection's catch-up on a 50k-event backlog at 1 and 4 partition key ranges.
    if (args is ["catchup"])
    {
        await CatchUpBenchmark.RunAsync(azurite);
        return;
    }
    // `dotnet run -- idle` measures only an idle host's Cosmos requests and RU per day at poll intervals of 100 ms, 1 s and 5 s.
    if (args is ["idle"])
    {
        await IdleBenchmark.RunAsync(cosmos, azurite);
        return;
    }
    await using (var host = await LocalHost.StartAsync(new LocalHostOptions
    {
        Urls = "http://127.0.0.1:0",
        Settings = new Dictionary<string, string?>
        {
            [TodoStoreLayout.ConnectionSettingName] = cosmos.ConnectionString,
            [ProjectionQueues.ConnectionSetting] = azurite.ConnectionString,
            ["TodoStore:DatabaseName"] = cosmos.UniqueName("benchmark"),
            ["Logging:LogLevel:Default"] = "Warning",
        },
        ConfigureServices = services => services.Configure<CosmosClientOptions>(options =>
            options.HttpClientFactory = () => new HttpClient(log, disposeHandler: false)),
    }))
    {
        var commands = host.Services.GetRequiredService<TodoCommandService>();
        var readModel = host.Services.GetRequiredService<TodoReadModel>();
        var catchUp = host.Services.GetRequiredService<ReadModelCatchUp>();
        var readContainer = host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value.ReadModelContainer;
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var noWait = new CommandContext("benchmark", WaitForReadModel: false);
        var waiting = new CommandContext("benchmark", WaitForReadModel: true);

        Console.WriteLine($"TodoFunctions backend benchmark: local host and Cosmos DB ({(cosmos.IsEmbedded ? "embedded emulator" : "external endpoint")}) in one process, {Samples} samples each.");
        Console.WriteLine();

        // One of everything first, so the SDK's caches (container, partition key ranges, query plans) are warm.
        var warmUp = await CreateAsync(noWait);
        await commands.ExecuteAsync(warmUp, new UpdateTodo(Completed: true), waiting, CancellationToken.None);
        await readModel.GetAsync(warmUp, cancellationToken: CancellationToken.None);
        await readModel.ListAsync(CancellationToken.None);
        await commands.ExecuteAsync(warmUp, new DeleteTodo(), waiting, CancellationToken.None);

        var ids = new List<Guid>();
        for (var i = 0; i < Samples; i++)
            using (log.Measure("create")) ids.Add(await CreateAsync(noWait, order: i));
        foreach (var id in ids)
            using (log.Measure("update")) await commands.ExecuteAsync(id, new UpdateTodo(Completed: true), noWait, CancellationToken.None);
        using (log.Measure("update, waiting for the read model")) await commands.ExecuteAsync(ids[0], new UpdateTodo(Title: "caught up"), waiting, CancellationToken.None);
        foreach (var id in ids)
            using (log.Measure("get")) await readModel.GetAsync(id, cancellationToken: CancellationToken.None);
        for (var i = 0; i < 10; i++)
            using (log.Measure($"list ({Samples} todos)")) await readModel.ListAsync(CancellationToken.None);

        var longStream = await CreateAsync(noWait);
        for (var version = 2; version <= LongStream; version++)
            await commands.ExecuteAsync(longStream, new UpdateTodo(Order: version), noWait, CancellationToken.None);
        using (log.Measure($"update at stream version {LongStream}")) await commands.ExecuteAsync(longStream, new UpdateTodo(Completed: true), noWait, CancellationToken.None);

        foreach (var id in ids)
            using (log.Measure("delete")) await commands.ExecuteAsync(id, new DeleteTodo(), noWait, CancellationToken.None);

        var counts = new Dictionary<string, int>
        {
            ["create"] = Samples, ["update"] = Samples, ["update, waiting for the read model"] = 1, ["get"] = Samples,
            [$"list ({Samples} todos)"] = 10, [$"update at stream version {LongStream}"] = 1, ["delete"] = Samples,
        };
        Console.WriteLine("Cosmos DB round trips per operation (HTTP requests the SDK sent; modelled RU from x-ms-request-charge):");
        foreach (var (operation, count) in counts)
        {
            var sent = log.Requests.Where(request => request.Operation == operation).ToList();
            Console.WriteLine($"  {operation,-40} {sent.Count / (double)count,5:0.0#} round trips {sent.Sum(r => r.Charge) / count,7:0.0#} RU");
        }
        var updateTrips = log.Requests.Count(r => r.Operation == "update") / (double)Samples;
        var longUpdateTrips = log.Requests.Count(r => r.Operation == $"update at stream version {LongStream}");
        Console.WriteLine($"  update at version {LongStream} / update at version 2: {longUpdateTrips / updateTrips:0.0#}x (loading reads the snapshot, not the stream)");

        await Task.Delay(TimeSpan.FromSeconds(1)); // let the projector finish the batches above
        var appendedCommands = 1 + 2 * Samples + 1 + LongStream + 1 + Samples;
        var projectorTrips = log.Requests.Count(r => r.Operation is null && r.Container == readContainer);
        Console.WriteLine($"  projector, per command projected ({appendedCommands} commands): {projectorTrips / (double)appendedCommands:0.0#} round trips to the read model");
        var idleStart = log.Requests.Count(r => r.Operation is null);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Console.WriteLine($"  change feed processor while idle: {(log.Requests.Count(r => r.Operation is null) - idleStart) / 2.0:0.#} requests/s");
        Console.WriteLine();

        var withReadYourWrites = new List<double>();
        var withoutWaiting = new List<double>();
        for (var i = 0; i < 2 * Samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await CreateAsync(i % 2 == 0 ? waiting : noWait);
            (i % 2 == 0 ? withReadYourWrites : withoutWaiting).Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        var overHttp = new List<double>();
        var overHttpWithoutWaiting = new List<double>();
        for (var i = 0; i < 2 * Samples; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "todos")
            {
                Content = new StringContent($$"""{"title":"over http {{i}}"}""", Encoding.UTF8, "application/json"),
            };
            if (i % 2 == 1) request.Headers.Add("X-Wait-For-Read-Model", "false");
            var start = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            (i % 2 == 0 ? overHttp : overHttpWithoutWaiting).Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        Console.WriteLine("Create latency (ms):                         median      p99");
        Report("command service, read-your-writes", withReadYourWrites);
        Report("command service, without waiting", withoutWaiting);
        ReportRatio("ratio (read-your-writes / without)", withReadYourWrites, withoutWaiting);
        Report("POST /api/todos, read-your-writes", overHttp);
        Report("POST /api/todos, without waiting", overHttpWithoutWaiting);
        ReportRatio("ratio (read-your-writes / without)", overHttp, overHttpWithoutWaiting);
        Console.WriteLine();

        var lags = new List<double>();
        foreach (var id in await Task.WhenAll(Enumerable.Range(0, Samples).Select(_ => CreateAsync(waiting))))
        {
            using var watch = catchUp.Watch(id);
            var updated = (CommandOutcome.Succeeded)await commands.ExecuteAsync(id, new UpdateTodo(Completed: true), noWait, CancellationToken.None);
            var appended = Stopwatch.GetTimestamp();
            if (await catchUp.WaitAsync(watch, updated.Todo.Version, checkFirst: false, CancellationToken.None))
                lags.Add(Stopwatch.GetElapsedTime(appended).TotalMilliseconds);
        }
        Console.WriteLine("Projection lag (ms), append acknowledged -> read model written:");
        Report($"{lags.Count} of {Samples} within the bound", lags);
        var poll = host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value.ChangeFeedPollInterval;
        Console.WriteLine($"  (the change feed processor polls every {poll.TotalMilliseconds:0} ms once caught up)");

        async Task<Guid> CreateAsync(CommandContext context, int? order = null) =>
            ((CommandOutcome.Succeeded)await commands.CreateAsync(new CreateTodo("benchmark", Order: order), context, CancellationToken.None)).Todo.Id;
    }

    Console.WriteLine();
    await ProjectionOperationsBenchmark.RunAsync(cosmos, azurite);
    Console.WriteLine();
    await ProjectionStallBenchmark.RunAsync(cosmos, azurite);
}
finally
{
    await cosmos.DisposeAsync();
}
