namespace TodoFunctions.Cosmos.Idempotency;

/// <summary>
/// This request's ownership of a key: its in-flight marker and the marker's ETag. Every write that completes the
/// record is conditional on that ETag, so an attempt whose marker was taken over stores nothing.
/// </summary>
public sealed class IdempotencyClaim
{
    internal IdempotencyClaim(IdempotencyRecord marker, string etag, bool resumes = false)
    {
        Marker = marker;
        ETag = etag;
        Resumes = resumes;
    }

    internal IdempotencyRecord Marker { get; }

    internal string ETag { get; }

    /// <summary>
    /// This attempt took the key over from an earlier one (interrupted, or in flight past the takeover timeout), which
    /// may have appended already: a resumed delete-all must not delete again a todo that attempt deleted.
    /// </summary>
    internal bool Resumes { get; }

    /// <summary>What the command id of every attempt at this key starts with, and of no other key's (<see cref="IdempotencyRecord.Marker"/>).</summary>
    internal string KeyCommandIdPrefix => $"{Marker.Id}:";

    /// <summary>Set by the append whose batch carried the completed record, so nothing needs to complete it again.</summary>
    internal bool CompletedByAppend { get; private set; }

    internal void MarkCompletedByAppend() => CompletedByAppend = true;
}

/// <summary>How a keyed request starts: it owns the key now, or a completed record answers it again.</summary>
internal sealed record IdempotencyStart(IdempotencyClaim? Claim, StoredOutcome? Replay);
