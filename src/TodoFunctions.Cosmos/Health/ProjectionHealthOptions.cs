namespace TodoFunctions.Cosmos.Health;

/// <summary>The thresholds of projection health (configuration section <c>ProjectionHealth</c>) and how often it is measured.</summary>
public sealed class ProjectionHealthOptions
{
    public const string SectionName = "ProjectionHealth";

    /// <summary>Unhealthy when the oldest event a projection has not applied yet is older than this.</summary>
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A lease with a backlog (or a change feed that cannot be read) whose checkpoint has not moved for this long is stuck.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Unhealthy when a todo has been parked for longer than this without an operator's retry.</summary>
    public TimeSpan MaxParkedAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often each instance measures (estimator reads, lease and pointer reads, one change-feed item per lagging
    /// lease); health calls and the gauges read the last measurement, so they add no Cosmos DB requests of their own.
    /// Every instance pays it even when idle (about 8.76 RU a measurement, docs/health.md), hence not more often.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often the parked todos are listed (a query across partitions): far less often than the rest, since a todo
    /// counts only once parked for <see cref="MaxParkedAge"/>.
    /// </summary>
    public TimeSpan ParkedRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long one step of a measurement (a projection's change-feed estimate, the store reads, the queue count) may
    /// take before it counts as not answering: the SDK retries a failing read for much longer by itself.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
