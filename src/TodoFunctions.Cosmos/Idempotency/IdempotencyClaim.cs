namespace TodoFunctions.Cosmos.Idempotency;

/// <summary>
/// This request's ownership of a key: its in-flight marker and the marker's ETag. Every write that completes the
/// record is conditional on that ETag, so an attempt whose marker was taken over stores nothing.
/// </summary>
public sealed class IdempotencyClaim
{
    internal IdempotencyClaim(IdempotencyRecord marker, string etag)
    {
        Marker = marker;
        ETag = etag;
    }

    internal IdempotencyRecord Marker { get; }

    internal string ETag { get; }

    /// <summary>Set by the append whose batch carried the completed record, so nothing needs to complete it again.</summary>
    internal bool CompletedByAppend { get; private set; }

    internal void MarkCompletedByAppend() => CompletedByAppend = true;
}

/// <summary>How a keyed request starts: it owns the key now, or a completed record answers it again.</summary>
internal sealed record IdempotencyStart(IdempotencyClaim? Claim, StoredOutcome? Replay);
