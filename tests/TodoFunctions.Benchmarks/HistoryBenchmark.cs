using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Local;
using TodoFunctions.Testing;
using static TodoFunctions.Benchmarks.Statistics;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// What the issue's closing note asks of restore and time travel: Cosmos round trips, modelled RU and latency of a
/// restore, and of a todo's state at version 10 and 1,000 of a 1,000-event stream, each beside its baseline in the
/// same process (an update for the restore, the live GET for the reads). Cosmos costs are counted around the service
/// call that answers the request; read latencies are over HTTP, write latencies at the command service.
/// </summary>
internal static class HistoryBenchmark
{
    private const int Samples = 100;
    private const int StreamLength = 1_000;

    public static async Task RunAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite)
    {
        var log = new CosmosRequestLog();
        await using var host = await BenchmarkHosts.StartAsync(cosmos, azurite, log, "benchmark-history");
        var commands = host.Services.GetRequiredService<TodoCommandService>();
        var history = host.Services.GetRequiredService<TodoHistory>();
        var readModel = host.Services.GetRequiredService<TodoReadModel>();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var noWait = new CommandContext("benchmark-history", WaitForReadModel: false);

        var deleted = new List<Guid>();
        for (var i = 0; i < Samples; i++)
        {
            deleted.Add(await CreateAsync(commands, noWait));
            await commands.ExecuteAsync(deleted[^1], new DeleteTodo(), noWait, default);
        }
        // Built last and waited for, so the projector is idle, not catching up, while the reads are measured.
        var stream = await CreateAsync(commands, noWait);
        for (var version = 2; version <= StreamLength; version++)
            await commands.ExecuteAsync(stream, new UpdateTodo(Order: version), version == StreamLength ? new CommandContext("benchmark-history") : noWait, default);

        Console.WriteLine($"Restore and time travel ({Samples} samples each; a {StreamLength}-event stream): Cosmos cost per operation, latency.");
        Console.WriteLine($"  {"",-44} {"trips",6} {"RU",8} {"median ms",10} {"p99 ms",8}");
        var live = await MeasureAsync(log, "GET, live (baseline)", () => readModel.GetAsync(stream, default), http, $"todos/{stream}");
        await MeasureAsync(log, "GET ?version=10", () => history.AtVersionAsync(stream, 10, default), http, $"todos/{stream}?version=10", live);
        await MeasureAsync(log, $"GET ?version={StreamLength}", () => history.AtVersionAsync(stream, StreamLength, default), http, $"todos/{stream}?version={StreamLength}", live);
        var updates = deleted.Select(id => (Func<Task>)(() => commands.ExecuteAsync(stream, new UpdateTodo(Title: $"update {id}"), noWait, default))).ToList();
        var update = await MeasureWritesAsync(log, "update, 1 field (baseline)", updates);
        var restores = deleted.Select(id => (Func<Task>)(() => commands.ExecuteAsync(id, new RestoreTodo(), noWait, default))).ToList();
        await MeasureWritesAsync(log, "restore", restores, update);
    }

    private static async Task<Guid> CreateAsync(TodoCommandService commands, CommandContext context) =>
        ((CommandOutcome.Succeeded)await commands.CreateAsync(new CreateTodo("benchmark history"), context, default)).Todo.Id;

    /// <summary>The service call's Cosmos cost, then the request's latency over HTTP.</summary>
    private static async Task<List<double>> MeasureAsync(
        CosmosRequestLog log, string operation, Func<Task> read, HttpClient http, string url, List<double>? baseline = null)
    {
        for (var run = 0; run < Samples; run++)
            using (log.Measure(operation)) await read();
        var latencies = new List<double>();
        for (var run = 0; run < Samples; run++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(url);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        Print(log, operation, latencies, baseline);
        return latencies;
    }

    /// <summary>Each write once, its cost and latency together, at the command service.</summary>
    private static async Task<List<double>> MeasureWritesAsync(CosmosRequestLog log, string operation, List<Func<Task>> writes, List<double>? baseline = null)
    {
        var latencies = new List<double>();
        foreach (var write in writes)
        {
            var start = Stopwatch.GetTimestamp();
            using (log.Measure(operation)) await write();
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        Print(log, operation, latencies, baseline);
        return latencies;
    }

    private static void Print(CosmosRequestLog log, string operation, List<double> latencies, List<double>? baseline)
    {
        var sent = log.Requests.Where(request => request.Operation == operation).ToList();
        Console.WriteLine($"  {operation,-44} {sent.Count / (double)Samples,6:0.0#} {sent.Sum(request => request.Charge) / Samples,8:0.0#} " +
            $"{Percentile(latencies, 0.5),10:0.0} {Percentile(latencies, 0.99),8:0.0}" +
            (baseline is null ? "" : $"   ({Percentile(latencies, 0.5) / Percentile(baseline, 0.5):0.0}x the baseline's median)"));
    }
}
