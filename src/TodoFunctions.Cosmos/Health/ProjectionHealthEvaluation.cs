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

    /// <summary>The age of the oldest event a projection has not applied; zero when it has applied every one.</summary>
    public TimeSpan OldestUnprojectedAge(string projection) =>
        Observation.Leases.Where(lease => lease.Projection == projection).Min(lease => lease.OldestUnprojectedAt) is { } oldest
            ? Max(Observation.ObservedAt - oldest, TimeSpan.Zero)
            : TimeSpan.Zero;

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
        foreach (var projection in observation.Leases.Select(lease => lease.Projection).Concat(observation.ChangeFeedFailures.Keys).Distinct().Order())
        {
            var age = report.OldestUnprojectedAge(projection);
            checks.Add(new HealthCheck($"lag:{projection}", age <= thresholds.MaxLag,
                $"The oldest event not yet projected by {projection} is {Seconds(age)} old.", $"{ProjectionHealthOptions.SectionName}:MaxLag = {thresholds.MaxLag}"));
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
