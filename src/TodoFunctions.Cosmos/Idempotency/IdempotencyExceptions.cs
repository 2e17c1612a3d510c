namespace TodoFunctions.Cosmos.Idempotency;

/// <summary>The key was used before for a different request (method, path or body): HTTP 422.</summary>
public sealed class IdempotencyKeyMismatchException() : Exception("This Idempotency-Key was used for a different request.");

/// <summary>
/// The first request with this key is still running: HTTP 409. <see cref="UntilTakeover"/> is when a retry may take
/// over its marker, should that request have died: the earliest a retry can get an answer other than this one.
/// </summary>
public sealed class IdempotencyKeyInFlightException(TimeSpan untilTakeover) : Exception("A request with this Idempotency-Key is still in flight.")
{
    public TimeSpan UntilTakeover { get; } = untilTakeover;
}

/// <summary>
/// This request's marker was taken over by a retry after the takeover timeout, so this attempt stored nothing
/// and the retry now owns the key: HTTP 409.
/// </summary>
public sealed class IdempotencyKeyTakenOverException() : Exception("A later request with this Idempotency-Key took it over; this one stored nothing.");
