using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using static TodoFunctions.CosmosEmulator.Faults.FaultOperation;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// The soak's fault plan: every kind of fault the emulator has, on the events, read-model and leases containers,
/// about one request in ten. Metadata (container reads, partition key ranges, query plans) is left alone, so the
/// faults land on what the app itself reads and writes. The emulator draws each decision from the seed per resource,
/// so one seed gives one schedule however requests interleave.
/// </summary>
internal static class SoakFaults
{
    private static readonly FaultOperation[] DataOperations = [Read, Create, Replace, Upsert, Delete, Patch, Batch, Query, ChangeFeed];
    private static readonly FaultOperation[] Writes = [Create, Replace, Upsert, Delete, Patch, Batch];
    private static readonly FaultOperation[] Feeds = [Query, ChangeFeed];

    public static FaultPlan For(long seed) => new()
    {
        Seed = seed,
        Rules = [.. new[] { TodoStoreLayout.EventsContainer, TodoStoreLayout.ReadModelContainer, TodoStoreLayout.LeasesContainer }.SelectMany(RulesFor)],
    };

    // A write can draw any of the eight failing kinds (about 9.5% together), a read or feed the ones that apply to it.
    private static IEnumerable<FaultRule> RulesFor(string container) =>
    [
        Rule(container, DataOperations, FaultOutcome.Throttle, 0.02) with { RetryAfterMs = 20 },
        Rule(container, DataOperations, FaultOutcome.ServiceUnavailable, 0.015),
        Rule(container, DataOperations, FaultOutcome.Timeout, 0.01),
        Rule(container, Writes, FaultOutcome.TimeoutAfterApply, 0.01),
        Rule(container, Writes, FaultOutcome.ServiceUnavailableAfterApply, 0.01),
        Rule(container, Feeds, FaultOutcome.PartitionKeyRangeGone, 0.01),
        Rule(container, DataOperations, FaultOutcome.RetryWith, 0.01),
        Rule(container, DataOperations, FaultOutcome.DropConnection, 0.01),
        Rule(container, Writes, FaultOutcome.DropConnectionAfterApply, 0.01),
        Rule(container, DataOperations, FaultOutcome.Latency, 0.1) with { LatencyMs = 1, LatencyMaxMs = 30 },
    ];

    private static FaultRule Rule(string container, FaultOperation[] operations, FaultOutcome outcome, double probability) =>
        new() { Container = container, Operations = operations, Outcome = outcome, Probability = probability };
}
