namespace TodoFunctions.CosmosEmulator.Faults;

/// <summary>What a firing rule does to the request, with the status codes the real service uses.</summary>
public enum FaultOutcome
{
    /// <summary>429, sub-status 3200, with <c>x-ms-retry-after-ms</c>; nothing is applied.</summary>
    Throttle,
    /// <summary>503; nothing is applied.</summary>
    ServiceUnavailable,
    /// <summary>408; nothing is applied.</summary>
    Timeout,
    /// <summary>408 after the operation was applied: the write committed, the client is told it failed.</summary>
    TimeoutAfterApply,
    /// <summary>503 after the operation was applied.</summary>
    ServiceUnavailableAfterApply,
    /// <summary>410, sub-status 1002 (partition key range gone); only for query and change-feed rules.</summary>
    PartitionKeyRangeGone,
    /// <summary>449 (retry with); nothing is applied.</summary>
    RetryWith,
    /// <summary>The connection is aborted with no response; nothing is applied.</summary>
    DropConnection,
    /// <summary>The operation is applied, then the connection is aborted with no response.</summary>
    DropConnectionAfterApply,
    /// <summary>The request is answered normally after a delay.</summary>
    Latency,
}
