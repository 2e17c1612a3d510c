namespace TodoFunctions.ChaosSoak;

/// <summary>
/// A read document's version never goes down: of two GETs of one todo that answered 200, the one sent after the other
/// was answered shows at least its version. Without replica lag every read sees the latest state, so this holds across
/// both hosts and with or without a token. With lag, a read without a token is served as recent as the host's own
/// Cosmos DB session (whose token only grows), so it holds per host process among reads that sent no token; a read
/// with a token is only as recent as that token (<see cref="SessionReadChecks"/> checks those).
/// </summary>
internal static class MonotonicReadChecks
{
    public const string NeverGoesDown = "a todo's version never goes down between two GETs, one sent after the other answered (per host process, without a token, under replica lag)";

    public static string Check(IReadOnlyCollection<Exchange> exchanges, IReadOnlyCollection<SessionRead> sessionReads, bool replicaLag, Violations violations)
    {
        var tokened = sessionReads.Select(read => read.Read.CorrelationId).ToHashSet();
        var reads = exchanges
            .Where(e => e is { Kind: RequestKind.Read, Status: 200, ETag: not null } && e.Path == $"todos/{e.TodoId}" && !(replicaLag && tokened.Contains(e.CorrelationId)))
            .ToList();
        var pairs = 0;
        foreach (var sequence in reads.GroupBy(read => (read.TodoId, Server: replicaLag ? read.Server : null)))
        {
            var byAnswer = sequence.OrderBy(read => read.EndedAt).ToList();
            foreach (var later in sequence)
            {
                var earlier = byAnswer.TakeWhile(read => read.EndedAt < later.SentAt).MaxBy(SessionReadChecks.Version);
                if (earlier is null) continue;
                pairs++;
                if (SessionReadChecks.Version(later) < SessionReadChecks.Version(earlier))
                    violations.Add(NeverGoesDown, $"todo {later.TodoId}: {earlier.CorrelationId} on {earlier.Server} showed {earlier.ETag}, then {later.CorrelationId} on {later.Server} showed {later.ETag}");
            }
        }
        return $"Monotonic reads ({(replicaLag ? "per host process, reads without a token" : "both hosts, every read")}): {reads.Count} GETs of one todo answered 200, " +
            $"{pairs} checked against the highest version shown before they were sent, violations {violations.CountOf(NeverGoesDown)}";
    }
}
