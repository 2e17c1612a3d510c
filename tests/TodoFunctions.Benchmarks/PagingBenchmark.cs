using System.Diagnostics;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Local;
using TodoFunctions.Testing;
using static TodoFunctions.Benchmarks.Statistics;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// What a page of the list costs as the list grows (the goal: flat), and what a 304 list poll saves against reading the
/// whole list. Each size gets a local host and a database of its own, filled through the command service (one
/// TodoCreated per todo, not waiting for the read model) and projected by the live projector before anything is measured.
/// Last, all but a few todos are deleted, and the first page, which then runs into the tombstones, is measured again.
/// </summary>
internal static class PagingBenchmark
{
    private const int PageSize = 50;
    private const int PageRuns = 30;
    private const int PollRuns = 30;
    private const int FullListRuns = 5;
    private const int Survivors = 10;
    private static readonly int[] Sizes = [1_000, 20_000];

    public static async Task RunAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite)
    {
        Console.WriteLine($"Paged list, limit {PageSize}: Cosmos round trips and modelled RU per page (read model), latency over HTTP ({PageRuns} runs).");
        Console.WriteLine($"  {"",-22} {"todos",6} {"trips",6} {"RU",8} {"median ms",10} {"p95 ms",8}");
        var figures = new List<SizeFigures>();
        foreach (var size in Sizes) figures.Add(await MeasureAsync(cosmos, azurite, size));
        var (small, large) = (figures[0], figures[^1]);
        foreach (var (name, pick) in new (string, Func<SizeFigures, PageFigures>)[] { ("first page", f => f.First), ("fifth page", f => f.Fifth) })
            Console.WriteLine($"  ratio {large.Size / 1000}k/{small.Size / 1000}k, {name,-10}  trips {pick(large).RoundTrips / pick(small).RoundTrips,5:0.00}x  " +
                $"RU {pick(large).Charge / pick(small).Charge,5:0.00}x  median {Percentile(pick(large).Latencies, 0.5) / Percentile(pick(small).Latencies, 0.5),5:0.00}x  (goal: at most 1.2x)");
        Console.WriteLine();
        Console.WriteLine($"List poll: 304 (If-None-Match with the current validator) against a 200 of the whole list; latency over HTTP.");
        Console.WriteLine($"  {"",-22} {"todos",6} {"trips",6} {"RU",8} {"body bytes",10} {"median ms",10} {"p95 ms",8}");
        foreach (var size in figures)
        {
            PrintPoll("304 poll", size.Size, size.Poll);
            PrintPoll("200 full list", size.Size, size.FullList);
        }
    }

    private static async Task<SizeFigures> MeasureAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite, int size)
    {
        var log = new CosmosRequestLog();
        await using var host = await BenchmarkHosts.StartAsync(cosmos, azurite, log, $"benchmark-paging-{size}");
        var readModel = host.Services.GetRequiredService<TodoReadModel>();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        await FillAsync(host, size);

        var first = await readModel.ListPageAsync(PageSize, null, CancellationToken.None);
        var fifthAfter = first.After;
        for (var page = 2; page < 5; page++) fifthAfter = (await readModel.ListPageAsync(PageSize, fifthAfter, CancellationToken.None)).After;
        var fifthUrl = await FifthPageUrlAsync(http);

        var figures = new SizeFigures(
            size,
            await MeasurePageAsync(log, $"first page {size}", () => readModel.ListPageAsync(PageSize, null, CancellationToken.None), http, $"todos?limit={PageSize}"),
            await MeasurePageAsync(log, $"fifth page {size}", () => readModel.ListPageAsync(PageSize, fifthAfter, CancellationToken.None), http, fifthUrl),
            await MeasurePollAsync(log, $"304 poll {size}", () => readModel.ListValidatorAsync(CancellationToken.None), http, PollRuns, conditional: true),
            await MeasurePollAsync(log, $"full list {size}", () => readModel.ListAsync(CancellationToken.None), http, FullListRuns, conditional: false));
        PrintPage("first page", figures.First, size);
        PrintPage("fifth page", figures.Fifth, size);
        await DeleteAllButAsync(host, readModel, Survivors);
        PrintPage($"after deletes, {Survivors} left", await MeasurePageAsync(
            log, $"after deletes {size}", () => readModel.ListPageAsync(PageSize, null, CancellationToken.None), http, $"todos?limit={PageSize}"), size);
        return figures;
    }

    /// <summary>Creates through the command service, 16 at a time, then waits until the projector has written every todo.</summary>
    private static async Task FillAsync(LocalHost host, int size)
    {
        var commands = host.Services.GetRequiredService<TodoCommandService>();
        var options = host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
        var readContainer = host.Services.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.ReadModelContainer);
        var context = new CommandContext("benchmark-paging", WaitForReadModel: false);
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, size, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
            await commands.CreateAsync(new CreateTodo($"todo {i}", Order: i % 3 == 0 ? null : i % 500), context, token));
        while (await CountAsync(readContainer) < size) await Task.Delay(200);
        Console.WriteLine($"  (filled {size} todos through the command service and the projector in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s)");
    }

    /// <summary>Deletes every todo but <paramref name="survivors"/> through the command service, leaving tombstones behind, then waits for the projector.</summary>
    private static async Task DeleteAllButAsync(LocalHost host, TodoReadModel readModel, int survivors)
    {
        var commands = host.Services.GetRequiredService<TodoCommandService>();
        var context = new CommandContext("benchmark-paging-deletes", WaitForReadModel: false);
        var doomed = (await readModel.ListAsync(CancellationToken.None)).Skip(survivors).ToList();
        await Parallel.ForEachAsync(doomed, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (todo, token) =>
            await commands.ExecuteAsync(todo.Id, new DeleteTodo(), context, token));
        while ((await readModel.ListAsync(CancellationToken.None)).Count > survivors) await Task.Delay(200);
    }

    private static async Task<int> CountAsync(Container container)
    {
        using var count = container.GetItemQueryIterator<int>("SELECT VALUE COUNT(1) FROM c WHERE c.deleted = false AND c.version > 0");
        return (await count.ReadNextAsync()).Single();
    }

    private static async Task<string> FifthPageUrlAsync(HttpClient http)
    {
        var url = $"todos?limit={PageSize}";
        for (var page = 1; page < 5; page++)
        {
            using var response = await http.GetAsync(url);
            url = response.Headers.GetValues("Link").Single().Split('>')[0].TrimStart('<');
        }
        return url;
    }

    private static async Task<PageFigures> MeasurePageAsync(CosmosRequestLog log, string operation, Func<Task> readPage, HttpClient http, string url)
    {
        for (var run = 0; run < PageRuns; run++)
            using (log.Measure(operation)) await readPage();
        var latencies = new List<double>();
        for (var run = 0; run < PageRuns; run++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(url);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        var sent = log.Requests.Where(request => request.Operation == operation).ToList();
        return new PageFigures(sent.Count / (double)PageRuns, sent.Sum(request => request.Charge) / PageRuns, latencies);
    }

    /// <summary>The Cosmos cost of what answers the request, then its latency and body size over HTTP.</summary>
    private static async Task<PollFigures> MeasurePollAsync(CosmosRequestLog log, string operation, Func<Task> read, HttpClient http, int runs, bool conditional)
    {
        for (var run = 0; run < runs; run++)
            using (log.Measure(operation)) await read();
        var etag = (await http.GetAsync("todos")).Headers.ETag!.ToString();
        var latencies = new List<double>();
        long bytes = 0;
        for (var run = 0; run < runs; run++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "todos");
            if (conditional) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            var start = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        var sent = log.Requests.Where(request => request.Operation == operation).ToList();
        return new PollFigures(sent.Count / (double)runs, sent.Sum(request => request.Charge) / runs, bytes, latencies);
    }

    private static void PrintPage(string name, PageFigures page, int size) =>
        Console.WriteLine($"  {name,-22} {size,6} {page.RoundTrips,6:0.0} {page.Charge,8:0.0} {Percentile(page.Latencies, 0.5),10:0.0} {Percentile(page.Latencies, 0.95),8:0.0}");

    private static void PrintPoll(string name, int size, PollFigures poll) =>
        Console.WriteLine($"  {name,-22} {size,6} {poll.RoundTrips,6:0.0} {poll.Charge,8:0.0} {poll.BodyBytes,10} {Percentile(poll.Latencies, 0.5),10:0.0} {Percentile(poll.Latencies, 0.95),8:0.0}");

    private sealed record PageFigures(double RoundTrips, double Charge, List<double> Latencies);

    private sealed record PollFigures(double RoundTrips, double Charge, long BodyBytes, List<double> Latencies);

    private sealed record SizeFigures(int Size, PageFigures First, PageFigures Fifth, PollFigures Poll, PollFigures FullList);
}
