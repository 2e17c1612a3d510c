namespace TodoFunctions.ChaosSoak;

/// <summary>The kinds of request the workload sends; every one but <see cref="Read"/> is a write.</summary>
internal enum RequestKind { Create, Update, Delete, DeleteAll, Read, Restore, Purge }

/// <summary>A todo as a write's answer showed it, with the version its ETag named.</summary>
internal sealed record AnsweredTodo(Guid Id, string Title, bool Completed, int? Order, long Version, DateOnly? DueDate);

/// <summary>
/// One request and what the client learned from it. <see cref="Status"/> is null when no answer came (the
/// connection dropped, the host died, the client timed out): then the client cannot know whether it happened.
/// </summary>
internal sealed record Exchange(
    RequestKind Kind,
    string CorrelationId,
    bool WaitedForReadModel,
    Guid? TodoId,
    int? Status,
    bool HasRetryAfter,
    bool? ReadModelCaughtUp,
    AnsweredTodo? Answer,
    TimeSpan Latency,
    string? Failure)
{
    /// <summary>PATCH or PUT tells the two kinds of update apart in the figures; both are checked as updates.</summary>
    public string Method { get; init; } = "";

    /// <summary>When the request was sent, on the workload's clock: a list walk is checked against the writes of its time.</summary>
    public TimeSpan SentAt { get; init; }

    public string? IdempotencyKey { get; init; }

    /// <summary>Sent at once with a twin carrying the same key, to the other host.</summary>
    public bool ConcurrentDuplicate { get; init; }

    /// <summary>Answered with <c>Idempotent-Replayed: true</c>: the stored answer of an earlier request with the key.</summary>
    public bool Replayed { get; init; }

    public string? ETag { get; init; }

    /// <summary>The path under the API root, so reads of one todo can be told from its history's.</summary>
    public string Path { get; init; } = "";

    /// <summary>The root of the host process that answered: a restarted host is a new process with a Cosmos DB session of its own.</summary>
    public string? Server { get; init; }

    /// <summary>The <c>X-Session-Token</c> a write answered: its todo's read document as written through.</summary>
    public string? SessionToken { get; init; }

    /// <summary>The version the request's If-Match named, if it sent one.</summary>
    public long? IfMatchVersion { get; init; }

    /// <summary>The title the request's body carried: each is unique to its request, so a purged todo's titles can be searched for.</summary>
    public string? Title { get; init; }

    public TimeSpan EndedAt => SentAt + Latency;

    public bool IsWrite => Kind != RequestKind.Read;

    public bool IsAcknowledged => Status is >= 200 and < 300;

    /// <summary>Told it failed: a 4xx, or a 503 (which promises nothing was done).</summary>
    public bool IsRefused => Status is (>= 400 and < 500) or 503;

    /// <summary>No answer, or a 5xx that says nothing about what happened.</summary>
    public bool IsOutcomeUnknown => !IsAcknowledged && !IsRefused;

    /// <summary>Only 503 with <c>Retry-After</c> may report an error of the service's own.</summary>
    public bool IsForbiddenServerError => Status >= 500 && !(Status == 503 && HasRetryAfter);

    public override string ToString() =>
        $"{Kind} {Method} {CorrelationId}{(IdempotencyKey is null ? "" : $" key {IdempotencyKey}{(Replayed ? " replayed" : "")}")} todo {TodoId?.ToString() ?? "-"}{(IsWrite && WaitedForReadModel ? " waiting for the read model" : "")}: {Status?.ToString() ?? Failure}";
}
