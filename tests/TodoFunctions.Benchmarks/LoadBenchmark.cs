using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Benchmarks.Crud;
using TodoFunctions.Cosmos;
using TodoFunctions.Load;
using TodoFunctions.Local;
using TodoFunctions.Testing;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// The load driver's mix against the event-sourced API (with read-your-writes, and without waiting) and against the
/// plain-CRUD baseline, on one local host and one emulator, at 8 and at 32 clients; every figure also as a ratio
/// against the baseline's. Each run lasts <see cref="SecondsVariable"/> seconds (10 by default).
/// </summary>
internal static class LoadBenchmark
{
    public const string SecondsVariable = "LOAD_BENCHMARK_SECONDS";

    private static readonly int[] ClientCounts = [8, 32];
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    private static readonly Api[] Apis =
    [
        new("event-sourced, read-your-writes", "todos", []),
        new("event-sourced, X-Wait-For-Read-Model: false", "todos", [("X-Wait-For-Read-Model", "false")]),
        new("CRUD baseline", "crud/todos", []),
    ];

    public static async Task RunAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite)
    {
        var duration = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), out var seconds) && seconds > 0 ? seconds : 10);
        var log = new CosmosRequestLog();
        await using var host = await BenchmarkHosts.StartAsync(cosmos, azurite, log, "load", additionalFunctionAssemblies: [typeof(CrudTodoFunctions).Assembly]);
        var readModel = host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value.ReadModelContainer;
        await CrudTodoFunctions.CreateContainerAsync(host.Services);
        var baseline = Apis[^1];
        Console.WriteLine($"Load over HTTP: one local host, Cosmos DB {(cosmos.IsEmbedded ? "embedded emulator" : "external endpoint")}, mix {LoadMix.Default}, {duration.TotalSeconds:0} s per run ({SecondsVariable}).");

        foreach (var api in Apis) await LoadRun.RunAsync(Options(host, api, ClientCounts[0], WarmUp));
        await ProjectorSettledAsync(log, readModel);
        // Each count runs the APIs in order and then in reverse, both reported: a later run faces a bigger, warmer
        // emulator and heap, so one order alone would carry that bias into the ratios.
        foreach (var (clients, order) in ClientCounts.SelectMany(clients => new[] { (clients, Apis), (clients, Apis.Reverse().ToArray()) }))
        {
            var reports = new Dictionary<Api, LoadReport>();
            foreach (var api in order)
            {
                var before = log.Requests.Count;
                reports[api] = await LoadRun.RunAsync(Options(host, api, clients, duration));
                await ProjectorSettledAsync(log, readModel);
                Console.WriteLine();
                Console.WriteLine($"{api.Name}, {clients} clients:");
                reports[api].Print(Console.Out);
                PrintRequestsPerOperation(log.Requests.Skip(before), reports[api].Total);
            }
            Console.WriteLine();
            Console.WriteLine($"Against the CRUD baseline, {clients} clients, run order {string.Join(" - ", order.Select(api => api.Name))}:  ops/s      p50      p99");
            foreach (var api in Apis.Where(api => api != baseline))
            {
                Console.WriteLine($"  {api.Name}");
                foreach (var (method, figures) in reports[api].Methods) PrintRatio(figures, reports[baseline].Methods[method]);
                PrintRatio(reports[api].Writes, reports[baseline].Writes);
            }
        }
    }

    /// <summary>
    /// Waits until the projector has written nothing for a second, so a backlog left by one run (without waiting, the
    /// writes outrun it) does not take the CPU from the next.
    /// </summary>
    private static async Task ProjectorSettledAsync(CosmosRequestLog log, string readModel)
    {
        int ReadModelRequests() => log.Requests.Count(request => request.Container.StartsWith(readModel, StringComparison.Ordinal));
        for (var before = -1; ReadModelRequests() is var now && now != before; before = now) await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private static LoadOptions Options(LocalHost host, Api api, int clients, TimeSpan duration) => new()
    {
        ApiRoot = host.BaseAddress,
        TodoRoute = api.Route,
        Clients = clients,
        Duration = duration,
        Headers = api.Headers,
    };

    /// <summary>What one HTTP request costs in Cosmos requests by container and method, the projectors' afterwards and the settling's idle polls included.</summary>
    private static void PrintRequestsPerOperation(IEnumerable<CosmosRequest> requests, MethodFigures total)
    {
        var operations = (double)(total.Succeeded + total.Failures);
        var byContainer = requests.GroupBy(request => $"{request.Container} {request.Method}").OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => $"{group.Key} {group.Count() / operations:0.00}");
        Console.WriteLine($"  Cosmos requests per HTTP request, by container and method: {string.Join(", ", byContainer)}");
    }

    private static void PrintRatio(MethodFigures figures, MethodFigures baseline) =>
        Console.WriteLine($"    {figures.Name,-34} {figures.PerSecond / baseline.PerSecond,6:0.00}x {figures.P50 / baseline.P50,7:0.00}x {figures.P99 / baseline.P99,7:0.00}x");

    private sealed record Api(string Name, string Route, (string Name, string Value)[] Headers);
}
