namespace TodoFunctions.ChaosSoak;

/// <summary>The kinds of request the workload sends; every one but <see cref="Read"/> is a write.</summary>
internal enum RequestKind { Create, Update, Delete, DeleteAll, Read }

/// <summary>A todo as a write's answer showed it, with the version its ETag named.</summary>
internal sealed record AnsweredTodo(Guid Id, string Title, bool Completed, int? Order, long Version);

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
    public bool IsWrite => Kind != RequestKind.Read;

    public bool IsAcknowledged => Status is >= 200 and < 300;

    /// <summary>Told it failed: a 4xx, or a 503 (which promises nothing was done).</summary>
    public bool IsRefused => Status is (>= 400 and < 500) or 503;

    /// <summary>No answer, or a 5xx that says nothing about what happened.</summary>
    public bool IsOutcomeUnknown => !IsAcknowledged && !IsRefused;

    /// <summary>Only 503 with <c>Retry-After</c> may report an error of the service's own.</summary>
    public bool IsForbiddenServerError => Status >= 500 && !(Status == 503 && HasRetryAfter);

    public override string ToString() =>
        $"{Kind} {CorrelationId} todo {TodoId?.ToString() ?? "-"}{(IsWrite && WaitedForReadModel ? " waiting for the read model" : "")}: {Status?.ToString() ?? Failure}";
}
