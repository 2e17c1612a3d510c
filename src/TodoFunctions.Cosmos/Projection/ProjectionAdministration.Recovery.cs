namespace TodoFunctions.Cosmos;

/// <summary>What became of a request to cancel the claimed rebuild.</summary>
public abstract record RebuildCancelOutcome
{
    /// <summary>
    /// The claim is gone: the running worker stops at its next save, and the live projector stops writing
    /// <see cref="RebuildProgress.TargetContainer"/> once every instance has re-read the pointer, by about
    /// <see cref="TargetWritesStopBy"/> (one pointer-cache window; a projector batch already under way may finish).
    /// </summary>
    public sealed record Cancelled(RebuildProgress Progress, DateTimeOffset TargetWritesStopBy) : RebuildCancelOutcome;

    /// <summary>No rebuild is claimed (none was requested, it switched already, or it was cancelled before).</summary>
    public sealed record NothingToCancel(RebuildProgress? LastCancelled) : RebuildCancelOutcome;
}

/// <summary>Getting a rebuild unstuck: resuming a stalled or given-up one, and cancelling one.</summary>
public sealed partial class ProjectionAdministration
{
    /// <summary>
    /// Removes the claimed rebuild from the pointer with If-Match and records it as the last cancelled one, so that the
    /// next rebuild takes a newer read-model version and overwrites whatever this one left in its container.
    /// </summary>
    public async Task<RebuildCancelOutcome> CancelRebuildAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (pointer, etag) = await pointers.ReadAsync(cancellationToken);
            if (pointer.Rebuild is not { } claimed) return new RebuildCancelOutcome.NothingToCancel(pointer.LastCancelled);
            var cancelled = claimed with { State = RebuildProgress.Cancelled, SavedAt = clock.GetUtcNow() };
            if (await pointers.TryWriteAsync(pointer with { Rebuild = null, LastCancelled = cancelled }, etag, cancellationToken) is not null)
                return new RebuildCancelOutcome.Cancelled(cancelled, clock.GetUtcNow() + pointers.CacheDuration);
        }
    }

    private string? WhyResume(RebuildProgress claimed, IReadOnlyCollection<string> runsGivenUp, DateTimeOffset now) =>
        runsGivenUp.Contains(claimed.RequestId)
            ? "Its queued run failed on every delivery and was moved to the poison queue."
            : claimed.IsSilentFor(pointers.RebuildStallTimeout, now)
                ? $"No run has saved its progress since {claimed.SavedAt:O}, for longer than the stall timeout ({pointers.RebuildStallTimeout})."
                : null;
}
