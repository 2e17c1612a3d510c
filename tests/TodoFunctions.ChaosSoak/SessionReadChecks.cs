using TodoFunctions.Domain;

namespace TodoFunctions.ChaosSoak;

/// <summary>A write confirmed with a session token, and the GET of its todo sent with that token to another host.</summary>
internal sealed record SessionRead(Exchange Write, Exchange Read);

/// <summary>What the reads back showed: conclusive checks by answer, and those that could not tell.</summary>
internal sealed record SessionReadFigures(int Sent, int ShowedTodo, int ShowedDeleted, IReadOnlyDictionary<string, int> Inconclusive, int Violated)
{
    public override string ToString() =>
        $"Read back on the other host with X-Session-Token: {Sent} writes confirmed with a token, checked {ShowedTodo + ShowedDeleted + Violated} " +
        $"(200 at the write's version or later {ShowedTodo}, 404 of a todo deleted since {ShowedDeleted}), violations {Violated}; " +
        $"inconclusive: {(Inconclusive.Count == 0 ? "none" : string.Join(", ", Inconclusive.Select(reason => $"{reason.Key} {reason.Value}")))}";
}

/// <summary>
/// Read-your-writes across hosts: a write answered caught up with an <c>X-Session-Token</c> is visible, at its version or
/// a later one, to a GET on another host that sends the token, even when reads without a covering token come from a
/// lagging replica and that host's own Cosmos DB client never saw the write.
/// </summary>
internal static class SessionReadChecks
{
    public const string ShowsTheWrite = "a GET on another host with a write's X-Session-Token shows the write, at its version or later";

    public static bool Qualifies(Exchange write) =>
        write is { IsWrite: true, IsAcknowledged: true, ReadModelCaughtUp: not false, SessionToken: not null, TodoId: not null, Kind: not RequestKind.DeleteAll };

    public static SessionReadFigures Check(IReadOnlyCollection<SessionRead> reads, StoredLog log, Violations violations)
    {
        int showedTodo = 0, showedDeleted = 0, violated = 0;
        var inconclusive = new Dictionary<string, int>();
        foreach (var (write, read) in reads)
        {
            var todo = write.TodoId!.Value;
            var stream = log.Streams.GetValueOrDefault(todo) ?? [];
            var reason = Inconclusive(write, read);
            var written = VersionWritten(write, log) ?? 0;
            if (reason is not null || written == 0)
                inconclusive[reason ??= "write not in the log"] = inconclusive.GetValueOrDefault(reason) + 1;
            else if (read.Status == 200 && Version(read) is { } shown && shown >= written && log.StateAt(todo, shown) is { IsDeleted: false })
                showedTodo++;
            else if (read.Status == 404 && stream.Any(e => e.Version >= written && e.Type is nameof(TodoDeleted) or nameof(TodoPurged)))
                showedDeleted++;
            else
            {
                violated++;
                violations.Add(ShowsTheWrite, $"{write} at version {written}; read back {read.CorrelationId} on {read.Server}: {read.Status} {read.ETag}; the log: {AnswerChecks.Describe([.. stream])}");
            }
        }
        return new SessionReadFigures(reads.Count, showedTodo, showedDeleted, inconclusive, violated);
    }

    private static string? Inconclusive(Exchange write, Exchange read) => read switch
    {
        _ when read.Server == write.Server => "the other host down",
        { Status: null } => "no answer",
        { Status: 503, HasRetryAfter: true } => "503 with Retry-After",
        _ => null,
    };

    public static long? Version(Exchange read) => read.ETag is { } etag ? long.Parse(etag.Trim('"')) : null;

    /// <summary>The version the write left its todo at: its answer's, or for a delete or purge (a 204) its stored event's.</summary>
    private static long? VersionWritten(Exchange write, StoredLog log) =>
        write.Answer?.Version ?? log.ByCorrelationId[write.CorrelationId].Where(e => e.TodoId == write.TodoId).Select(e => (long?)e.Version).Max();
}
