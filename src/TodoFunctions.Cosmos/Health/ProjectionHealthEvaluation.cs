namespace TodoFunctions.Cosmos.Health;

/// <summary>One verdict: <see cref="Threshold"/> names the setting a failed check exceeded (none for a dependency that did not answer).</summary>
public sealed record HealthCheck(string Name, bool Healthy, string Detail, string? Threshold = null);

/// <summary>
/// The verdicts of one measurement. <see cref="Ready"/> is readiness only (Cosmos DB and the storage queues answer), so
/// a platform health check can ignore a projection backlog; <see cref="Healthy"/> is every check.
/// </summary>
public sealed record ProjectionHealthReport(HealthObservation Observation, IReadOnlyList<HealthCheck> Checks)
{
    public const string Cosmos = "cosmos";
    public const string Storage = "storage";

    public bool Healthy => Checks.All(check => check.Healthy);

    public bool Ready => Checks.Where(check => check.Name is Cosmos or Storage).All(check => check.Healthy);

    /// <summary>The age of the oldest event a projection has not applied: zero when it has applied every one, <c>null</c> when unknown.</summary>
    public TimeSpan? OldestUnprojectedAge(string projection) =>
        !BacklogKnown(projection) ? null
        : Leases(projection).Min(lease => lease.OldestUnprojectedAt) is { } oldest ? Max(Observation.ObservedAt - oldest, TimeSpan.Zero)
        : TimeSpan.Zero;

    /// <summary>The events a projection has not applied, as estimated; <c>null</c> when unknown (no lease, or its change feed could not be read).</summary>
    public long? Backlog(string projection) => BacklogKnown(projection) ? Leases(projection).Sum(lease => lease.Backlog ?? 0) : null;

    private bool BacklogKnown(string projection) =>
        !Observation.ChangeFeedFailures.ContainsKey(projection) && Leases(projection).Any() && Leases(projection).All(lease => lease.Backlog is not null);

    private IEnumerable<LeaseObservation> Leases(string projection) => Observation.Leases.Where(lease => lease.Projection == projection);

    internal static TimeSpan Max(TimeSpan left, TimeSpan right) => left > right ? left : right;
}

/// <summary>Thresholds applied to a measurement: pure, so each verdict can be specified without a store.</summary>
public static class ProjectionHealthEvaluation
{
    public static ProjectionHealthReport Evaluate(HealthObservation observation, ProjectionHealthOptions thresholds, TimeSpan rebuildStallTimeout)
    {
        var now = observation.ObservedAt;
        var checks = new List<HealthCheck>
        {
            Dependency(ProjectionHealthReport.Cosmos, observation.CosmosFailure, "Cosmos DB answers."),
            Dependency(ProjectionHealthReport.Storage, observation.StorageFailure, "The storage queues answer."),
        };
        if (observation.CosmosFailure is not null) return new ProjectionHealthReport(observation, checks);

        var report = new ProjectionHealthReport(observation, checks);
        foreach (var projection in observation.Projections)
        {
            var leases = observation.Leases.Count(lease => lease.Projection == projection);
            checks.Add(Leases(projection, leases, thresholds.StuckAfter, now - observation.MonitoredSince));
            if (leases > 0) checks.Add(Lag(report, projection, observation.ChangeFeedFailures.GetValueOrDefault(projection), thresholds.MaxLag));
        }
        foreach (var lease in observation.Leases)
            checks.Add(Stuck(lease, observation.ChangeFeedFailures.GetValueOrDefault(lease.Projection), thresholds.StuckAfter, now));
        checks.Add(Parked(observation.Parked, thresholds.MaxParkedAge, now));
        if (observation.Status is { } status)
            checks.Add(new HealthCheck("rebuild", !status.RebuildStalled,
                status.Rebuild is { } rebuild ? $"Rebuild {rebuild.RequestId} is {rebuild.State}, last saved at {rebuild.SavedAt:O}." : "No rebuild is running.",
                $"{TodoStoreOptions.SectionName}:RebuildStallTimeout = {rebuildStallTimeout}"));
        return report;
    }

    /// <summary>The report of a measurement that failed as a whole: unhealthy, naming why, so a health call never answers 500.</summary>
    public static ProjectionHealthReport MeasurementFailed(HealthObservation nothingObserved, string failure) =>
        new(nothingObserved, [new HealthCheck("measurement", false, $"The measurement failed: {failure}.")]);

    /// <summary>A projection without a lease has no processor running for it: unhealthy once the monitor has run for <c>StuckAfter</c>.</summary>
    private static HealthCheck Leases(string projection, int leases, TimeSpan stuckAfter, TimeSpan monitored) =>
        new($"leases:{projection}", leases > 0 || monitored < stuckAfter,
            leases > 0 ? $"{projection} has {leases} lease(s)." : $"{projection} has no lease: its change-feed processor has not started ({Seconds(monitored)} since this monitor started).",
            $"{ProjectionHealthOptions.SectionName}:StuckAfter = {stuckAfter}");

    private static HealthCheck Lag(ProjectionHealthReport report, string projection, string? changeFeedFailure, TimeSpan maxLag)
    {
        var threshold = $"{ProjectionHealthOptions.SectionName}:MaxLag = {maxLag}";
        return report.OldestUnprojectedAge(projection) is { } age
            ? new HealthCheck($"lag:{projection}", age <= maxLag, $"The oldest event not yet projected by {projection} is {Seconds(age)} old.", threshold)
            : new HealthCheck($"lag:{projection}", false, $"The lag of {projection} is unknown: its change feed cannot be read ({changeFeedFailure ?? "no estimate"}).", threshold);
    }

    private static HealthCheck Dependency(string name, string? failure, string answers) =>
        new(name, failure is null, failure ?? answers);

    private static HealthCheck Stuck(LeaseObservation lease, string? changeFeedFailure, TimeSpan stuckAfter, DateTimeOffset now)
    {
        var name = $"stuck:{lease.Projection}/{lease.LeaseToken}";
        var threshold = $"{ProjectionHealthOptions.SectionName}:StuckAfter = {stuckAfter}";
        if (lease.StalledSince is not { } since) return new HealthCheck(name, true, $"Lease {lease.LeaseToken} keeps up (owner {Owner(lease)}).", threshold);
        var waiting = lease.Backlog is { } backlog
            ? $"{backlog} events wait"
            : $"its change feed cannot be read ({changeFeedFailure ?? "no estimate"})";
        return new HealthCheck(name, now - since < stuckAfter,
            $"Lease {lease.LeaseToken} (owner {Owner(lease)}): {waiting} and its checkpoint has not moved for {Seconds(now - since)}.", threshold);
    }

    private static HealthCheck Parked(IReadOnlyList<ParkedTodo> parked, TimeSpan maxParkedAge, DateTimeOffset now)
    {
        var threshold = $"{ProjectionHealthOptions.SectionName}:MaxParkedAge = {maxParkedAge}";
        if (parked.Count == 0) return new HealthCheck("parked", true, "No todo is parked.", threshold);
        var oldest = parked.MinBy(todo => todo.ParkedAt)!;
        return new HealthCheck("parked", now - oldest.ParkedAt <= maxParkedAge,
            $"{parked.Count} parked; todo {oldest.TodoId} has been parked by {oldest.Projection} at version {oldest.ParkedAtVersion} for {Seconds(now - oldest.ParkedAt)}.",
            threshold);
    }

    private static string Owner(LeaseObservation lease) => lease.Owner is { Length: > 0 } owner ? owner : "none";

    private static string Seconds(TimeSpan age) => $"{ProjectionHealthReport.Max(age, TimeSpan.Zero).TotalSeconds:0.0} s";
}
