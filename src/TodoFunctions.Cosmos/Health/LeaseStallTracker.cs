namespace TodoFunctions.Cosmos.Health;

/// <summary>
/// Remembers, per lease, the checkpoint last seen and since when it has not moved while work was pending: a checkpoint
/// that rests because nothing is pending is not stalled, so a burst after a quiet hour is not "stuck" at once.
/// An unknown backlog (the change feed could not be read) counts as pending: the projector cannot read it either.
/// </summary>
internal sealed class LeaseStallTracker
{
    private readonly Dictionary<(string Projection, string LeaseToken), (string? Checkpoint, DateTimeOffset? StalledSince)> leases = [];

    /// <summary>Since when the lease's checkpoint has not moved while work was pending; <c>null</c> when it keeps up.</summary>
    public DateTimeOffset? Observe(string projection, string leaseToken, string? checkpoint, long? backlog, DateTimeOffset now)
    {
        var key = (projection, leaseToken);
        DateTimeOffset? stalledSince = null;
        if (backlog is not 0)
            stalledSince = leases.TryGetValue(key, out var seen) && seen.Checkpoint == checkpoint && seen.StalledSince is { } since ? since : now;
        leases[key] = (checkpoint, stalledSince);
        return stalledSince;
    }
}
