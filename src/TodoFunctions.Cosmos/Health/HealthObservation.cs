namespace TodoFunctions.Cosmos.Health;

/// <summary>
/// One change-feed lease of a projection as measured: its owner, its estimated backlog (<c>null</c> when the change
/// feed could not be read), since when its checkpoint has not moved while work was pending (<see cref="StalledSince"/>,
/// <c>null</c> while it keeps up), and the append time of the first event it has not applied.
/// </summary>
public sealed record LeaseObservation(
    string Projection, string LeaseToken, string? Owner, long? Backlog, DateTimeOffset? StalledSince, DateTimeOffset? OldestUnprojectedAt);

/// <summary>
/// What one measurement found. A <c>…Failure</c> is why a dependency did not answer (<c>null</c>: it did);
/// <see cref="ChangeFeedFailures"/> names, per projection, why its change feed could not be estimated.
/// <see cref="Projections"/> are the configured ones (a projection whose processor never started has no lease);
/// <see cref="MonitoredSince"/> is when this instance's monitor started, the grace before a missing lease counts.
/// </summary>
public sealed record HealthObservation(
    DateTimeOffset ObservedAt,
    string? CosmosFailure,
    string? StorageFailure,
    IReadOnlyDictionary<string, string> ChangeFeedFailures,
    IReadOnlyList<LeaseObservation> Leases,
    IReadOnlyList<ParkedTodo> Parked,
    long? DeadLetters,
    ProjectionStatus? Status,
    double RequestCharge,
    IReadOnlyList<string> Projections,
    DateTimeOffset MonitoredSince);
