using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Faults;

/// <summary>
/// One rule of a fault plan: which requests it matches, when it fires, and what it does then. A rule fires on a
/// matching request when the request falls in its time window, is among the first <see cref="Next"/> requests to
/// its resource, and wins the seeded draw against <see cref="Probability"/>.
/// </summary>
public sealed record FaultRule
{
    /// <summary>The operations it matches; empty matches all.</summary>
    public IReadOnlyList<FaultOperation> Operations { get; init; } = [];

    /// <summary>The container id it matches; null matches every container (and account-level requests).</summary>
    public string? Container { get; init; }

    /// <summary>The partition key value it matches (e.g. <c>"tenant-1"</c>); null matches any.</summary>
    public JToken? PartitionKey { get; init; }

    /// <summary>The chance a matching request is hit, drawn from the seed; 1 hits every one.</summary>
    public double Probability { get; init; } = 1;

    /// <summary>Only the first N matching requests to each resource (container, partition key, item id) can be hit.</summary>
    public int? Next { get; init; }

    /// <summary>The window opens this long after the plan is installed.</summary>
    public int AfterMs { get; init; }

    /// <summary>The window stays open this long; null keeps it open.</summary>
    public int? ForMs { get; init; }

    [JsonProperty(Required = Required.Always)]
    public FaultOutcome Outcome { get; init; }

    /// <summary>The <c>x-ms-retry-after-ms</c> of a throttle.</summary>
    public int RetryAfterMs { get; init; } = 100;

    /// <summary>A delay before the outcome (the whole outcome of a latency rule).</summary>
    public int LatencyMs { get; init; }

    /// <summary>When set, the delay is drawn from the seed between <see cref="LatencyMs"/> and this.</summary>
    public int? LatencyMaxMs { get; init; }

    internal IEnumerable<string> Problems()
    {
        if (Outcome == FaultOutcome.PartitionKeyRangeGone
            && (Operations.Count == 0 || Operations.Any(operation => operation is not (FaultOperation.Query or FaultOperation.ChangeFeed))))
            yield return "partitionKeyRangeGone (410/1002) must be limited to \"operations\": [\"query\", \"changeFeed\"]; "
                + "the service answers it only to reads routed by partition key range";
        if (Probability is < 0 or > 1 || double.IsNaN(Probability))
            yield return $"probability {Probability} is not between 0 and 1";
        if (Next is < 1)
            yield return $"next {Next} must be at least 1";
        if (AfterMs < 0 || ForMs < 0 || RetryAfterMs < 0 || LatencyMs < 0)
            yield return "afterMs, forMs, retryAfterMs and latencyMs cannot be negative";
        if (Outcome == FaultOutcome.Throttle && RetryAfterMs == 0)
            yield return "retryAfterMs must be at least 1: the service never sends 0, and the SDK waits 5 s when it gets it";
        if (LatencyMaxMs < LatencyMs)
            yield return $"latencyMaxMs {LatencyMaxMs} is below latencyMs {LatencyMs}";
        if (Outcome == FaultOutcome.Latency && LatencyMs == 0 && LatencyMaxMs is null or 0)
            yield return "a latency rule needs latencyMs (and optionally latencyMaxMs)";
    }
}
