namespace TodoFunctions.Cosmos;

/// <summary>
/// Whether a delivery from a todo's first event is written with a create and no read. That saves the read where the
/// document is not there yet (a backlog, a rebuild's container) but wastes a failed create where a command's
/// write-through came first, so it follows what the writer's first deliveries have lately found: an exponentially
/// weighted share of them that found no document, learned from the creates (written or conflicting) and the reads
/// (nothing or something) alike, with create-first while that share is above one half.
/// </summary>
internal sealed class CreateFirstPolicy(bool enabled)
{
    /// <summary>Each finding's weight: about six findings against the estimate turn it over.</summary>
    private const double Weight = 1.0 / 8;

    private readonly Lock gate = new();

    // A new writer starts creating first: where that is wrong, it costs a few failed creates before it turns.
    private double absentShare = 1;

    public bool CreatesFirst
    {
        get
        {
            lock (gate) return enabled && absentShare > 0.5;
        }
    }

    /// <summary>Records whether a first delivery found its document absent.</summary>
    public void Observe(bool absent)
    {
        lock (gate) absentShare += Weight * ((absent ? 1 : 0) - absentShare);
    }
}
