using TodoFunctions.Cosmos;
using TodoFunctions.Local;
using TodoFunctions.Testing;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// What an idle app costs: the local host with both change feed processors and no writes, its Cosmos requests per
/// second by kind and their modelled RU, per change-feed poll interval, as RU per day on a serverless account.
/// <c>IDLE_SECONDS</c> sets the measured window.
/// </summary>
internal static class IdleBenchmark
{
    /// <summary>Azure Cosmos DB serverless: USD per million request units (list price).</summary>
    private const double ServerlessUsdPerMillionRu = 0.25;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly LeaseTiming Defaults = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10));

    /// <summary>The lease timing <c>infra/app/api.bicep</c> sets in Azure.</summary>
    private static readonly LeaseTiming Azure = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));

    private static readonly (TimeSpan Poll, LeaseTiming Leases)[] Rows =
    [
        (TimeSpan.FromMilliseconds(100), Defaults), (TimeSpan.FromSeconds(1), Defaults), (TimeSpan.FromSeconds(5), Defaults),
        (TimeSpan.FromSeconds(1), Azure),
    ];

    public static async Task RunAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite)
    {
        var window = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("IDLE_SECONDS"), out var seconds) && seconds > 0 ? seconds : 20);
        Console.WriteLine($"Idle host (todo view and statistics processors, one lease each, no writes) over {window.TotalSeconds:0} s: " +
            "Cosmos requests per second and modelled RU per request, by kind.");
        Console.WriteLine($"  {"poll",6} {"leases acq/renew/exp",20} {"change-feed reads",18} {"lease renewals",15} {"lease scans",12} {"other",6} {"total/s",8} {"RU/day",9} {"USD/month",10}");
        foreach (var (poll, leases) in Rows)
        {
            var log = new CosmosRequestLog();
            await using var host = await BenchmarkHosts.StartAsync(cosmos, azurite, log, "benchmark-idle", new Dictionary<string, string?>
            {
                ["TodoStore:ChangeFeedPollInterval"] = poll.ToString(),
                ["TodoStore:LeaseAcquireInterval"] = leases.Acquire.ToString(),
                ["TodoStore:LeaseRenewInterval"] = leases.Renew.ToString(),
                ["TodoStore:LeaseExpirationInterval"] = leases.Expiration.ToString(),
            });
            await Task.Delay(Settle);
            var before = log.Requests.Count;
            await Task.Delay(window);
            var idle = log.Requests.Skip(before).ToList();
            var kinds = idle.GroupBy(KindOf).ToDictionary(kind => kind.Key, kind => kind.ToList());
            string Rate(string kind) => kinds.TryGetValue(kind, out var sent)
                ? $"{sent.Count / window.TotalSeconds:0.00} ({sent.Average(request => request.Charge):0.0} RU)"
                : "0";
            var ruPerDay = idle.Sum(request => request.Charge) / window.TotalSeconds * 86_400;
            Console.WriteLine($"  {poll.TotalSeconds,5:0.0#}s {leases,20} {Rate(ChangeFeedRead),18} {Rate(LeaseRenewal),15} {Rate(LeaseScan),12} {Rate(Other),6} " +
                $"{idle.Count / window.TotalSeconds,8:0.00} {ruPerDay,9:N0} {ruPerDay * 30 / 1e6 * ServerlessUsdPerMillionRu,10:0.00}");
        }
    }

    private const string ChangeFeedRead = "feed";
    private const string LeaseRenewal = "renewal";
    private const string LeaseScan = "scan";
    private const string Other = "other";

    /// <summary>Idle, the processors read the events container's feed, replace their leases to renew them, and list the leases to take any free.</summary>
    private static string KindOf(CosmosRequest request) => (request.Container, request.Method) switch
    {
        (TodoStoreLayout.EventsContainer, "GET") => ChangeFeedRead,
        (TodoStoreLayout.LeasesContainer, "PUT") => LeaseRenewal,
        (TodoStoreLayout.LeasesContainer, _) => LeaseScan,
        _ => Other,
    };

    private sealed record LeaseTiming(TimeSpan Acquire, TimeSpan Renew, TimeSpan Expiration)
    {
        public override string ToString() => $"{Acquire.TotalSeconds:0}/{Renew.TotalSeconds:0}/{Expiration.TotalSeconds:0} s";
    }
}
