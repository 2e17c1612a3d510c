using TodoFunctions.Local;
using TodoFunctions.Testing;
using static TodoFunctions.Benchmarks.Statistics;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// `-- ryw`: what read-your-writes costs a POST and a PATCH over HTTP against the same request without waiting, with
/// the change feed polled every 100 ms and every 5 s, on one host and on a second host that holds no lease (the
/// first one, started alone, holds them all: the lease documents say so). Then the round trips and RU per command.
/// </summary>
internal static class ReadYourWritesBenchmark
{
    public const string SamplesVariable = "TODOFUNCTIONS_RYW_SAMPLES";
    private const int DefaultSamples = 200;
    private const int WarmUpSamples = 2;
    private const double MedianGoal = 1.3;
    private const double P99Goal = 1.5;
    private const string LeaseHolder = "ryw-host-a";
    private const string Writer = "ryw-host-b";
    // The todo projector and the statistics projection each hold a lease per range of the events container.
    private const int LeasesOnOneRange = 2;
    private static readonly TimeSpan[] PollIntervals = [TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5)];

    public static async Task RunAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite)
    {
        var samples = int.TryParse(Environment.GetEnvironmentVariable(SamplesVariable), out var value) && value > 0 ? value : DefaultSamples;
        var log = new CosmosRequestLog();
        var results = new List<(string Scenario, ReadYourWritesLatency Latency)>();
        Console.WriteLine($"Read-your-writes benchmark: local hosts over HTTP on one Cosmos DB ({(cosmos.IsEmbedded ? "embedded emulator" : "external endpoint")}), {samples} samples per series ({SamplesVariable}).");
        Console.WriteLine();

        foreach (var poll in PollIntervals)
        {
            await using var host = await BenchmarkHosts.StartAsync(cosmos, azurite, log, "ryw", new Dictionary<string, string?> { ["TodoStore:ChangeFeedPollInterval"] = poll.ToString("c") });
            results.AddRange(await SampleAsync($"one host, poll {Describe(poll)}", host, samples));
        }
        foreach (var poll in PollIntervals)
        {
            var database = cosmos.UniqueName("ryw-two-hosts");
            await using var leaseHolder = await BenchmarkHosts.StartAsync(cosmos, azurite, log, database, TwoHostSettings(database, LeaseHolder, poll));
            await LeaseOwners.WaitUntilAllHeldByAsync(leaseHolder, LeaseHolder, LeasesOnOneRange);
            await using var writer = await BenchmarkHosts.StartAsync(cosmos, azurite, log, database, TwoHostSettings(database, Writer, poll));
            var scenario = $"two hosts, poll {Describe(poll)}, sent to {Writer}";
            results.AddRange(await SampleAsync(scenario, writer, samples));
            if (poll == PollIntervals[0]) await CommandCostBenchmark.RunAsync(log, leaseHolder, writer);
            Console.WriteLine($"Leases held after \"{scenario}\": {LeaseOwners.Describe(await LeaseOwners.CountAsync(leaseHolder))}.");
            Console.WriteLine();
        }

        Console.WriteLine($"Read-your-writes against the same request with X-Wait-For-Read-Model: false (ms, sequential, after {WarmUpSamples} warm-up samples):");
        Console.WriteLine($"  {"scenario",-44} {"method",-6} {"wait p50",8} {"p99",7} {"no-wait p50",11} {"p99",7} {"ratio p50",9} {$"<={MedianGoal}x",6} {"ratio p99",9} {$"<={P99Goal}x",6}  not caught up");
        foreach (var (scenario, latency) in results)
        {
            var median = Percentile(latency.Waiting, 0.5) / Percentile(latency.NotWaiting, 0.5);
            var p99 = Percentile(latency.Waiting, 0.99) / Percentile(latency.NotWaiting, 0.99);
            Console.WriteLine($"  {scenario,-44} {latency.Method,-6} {Percentile(latency.Waiting, 0.5),8:0.0} {Percentile(latency.Waiting, 0.99),7:0.0} " +
                $"{Percentile(latency.NotWaiting, 0.5),11:0.0} {Percentile(latency.NotWaiting, 0.99),7:0.0} {median,8:0.0#}x {Met(median <= MedianGoal),6} " +
                $"{p99,8:0.0#}x {Met(p99 <= P99Goal),6}  {latency.NotCaughtUp} of {latency.Waiting.Count}");
        }
    }

    private static async Task<(string Scenario, ReadYourWritesLatency Latency)[]> SampleAsync(string scenario, LocalHost host, int samples)
    {
        Console.WriteLine($"Sampling \"{scenario}\"...");
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        await ReadYourWritesLatency.PostAsync(http, WarmUpSamples);
        await ReadYourWritesLatency.PatchAsync(http, WarmUpSamples);
        return
        [
            (scenario, await ReadYourWritesLatency.PostAsync(http, samples)),
            (scenario, await ReadYourWritesLatency.PatchAsync(http, samples)),
            (scenario, await ReadYourWritesLatency.PatchAtRandomAsync(http, samples)),
        ];
    }

    private static Dictionary<string, string?> TwoHostSettings(string database, string instance, TimeSpan poll) => new()
    {
        ["TodoStore:DatabaseName"] = database,
        ["TodoStore:InstanceName"] = instance,
        ["TodoStore:ChangeFeedPollInterval"] = poll.ToString("c"),
    };

    private static string Describe(TimeSpan poll) => poll < TimeSpan.FromSeconds(1) ? $"{poll.TotalMilliseconds:0} ms" : $"{poll.TotalSeconds:0} s";

    private static string Met(bool met) => met ? "met" : "missed";
}
