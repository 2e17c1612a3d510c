using TodoFunctions.Cosmos;
using TodoFunctions.Domain;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// The keyed requests held against the log. A keyed attempt's events carry the command id
/// <c>idempotency:&lt;scoped key hash&gt;:&lt;attempt&gt;</c> (see <c>IdempotencyRecord.Marker</c>), so the log itself shows which attempts of which key
/// appended; the requests of one key (first send and resend) are grouped by the key the workload drew.
/// </summary>
internal static class IdempotencyChecks
{
    public const string KeyAppendsOnce = "a key's command appears at most once in the log: one attempt's command id, one command (a delete-all: each todo at most once)";
    public const string KeyedCreateOneTodo = "a keyed create makes at most one todo, whatever the retries";
    public const string ReplayAnswersTheOriginal = "a replay (Idempotent-Replayed: true) answers the status, and for 200/201 the ETag, of the acknowledged original";
    public const string DuplicateAnswers = "a concurrent duplicate answers 409 with Retry-After or the replay; no keyed request answers 422 (its body is the same) unless its todo was purged since the key's first request";

    private const string KeyedCommandPrefix = "idempotency:";

    public static void Check(IEnumerable<Exchange> exchanges, StoredLog log, Violations violations)
    {
        CheckLog(log, violations);
        var all = exchanges.ToList();
        var purges = all.Where(e => e is { Kind: RequestKind.Purge, TodoId: not null } && !(e.Status is >= 400 and < 500)).ToLookup(e => e.TodoId!.Value);
        foreach (var requests in all.Where(e => e.IdempotencyKey is not null).GroupBy(e => e.IdempotencyKey!))
        {
            var sent = requests.ToList();
            CheckKey(sent, sent.SelectMany(e => log.ByCorrelationId[e.CorrelationId]).ToList(), violations);
            CheckReplays(sent, violations);
            // A restore of a live todo, or a purge of one, is refused with 409 by the domain, without Retry-After: only the key's in-flight 409 carries one.
            var refusals = sent.Where(e => (e.Status == 422 && !PurgedSinceFirstSent(sent, e, purges))
                || (e is { ConcurrentDuplicate: true, Status: 409, HasRetryAfter: false, Kind: not (RequestKind.Restore or RequestKind.Purge) }));
            foreach (var refused in refusals)
                violations.Add(DuplicateAnswers, refused.ToString());
        }
    }

    /// <summary>
    /// A purge masks the fingerprint of every key record of its todo that predates it, so that a title cannot be confirmed
    /// by guessing; a repeat of such a request answers 422 by design. Records of requests first sent after the purge are kept.
    /// </summary>
    private static bool PurgedSinceFirstSent(List<Exchange> sent, Exchange refused, ILookup<Guid, Exchange> purges) =>
        refused.TodoId is { } todo && purges[todo].Any(purge => purge.SentAt < refused.EndedAt && sent.Min(e => e.SentAt) < purge.EndedAt);

    /// <summary>Every keyed command id in the log: per scoped key, one attempt per stream, and several streams only for a delete-all.</summary>
    private static void CheckLog(StoredLog log, Violations violations)
    {
        var keyed = log.Streams.Values.SelectMany(stream => stream).Where(e => e.CommandId?.StartsWith(KeyedCommandPrefix, StringComparison.Ordinal) == true);
        foreach (var key in keyed.GroupBy(e => ScopedKey(e.CommandId!)))
        {
            var events = key.ToList();
            var streams = events.GroupBy(e => e.TodoId).ToList();
            var oneCommand = streams.Count == 1
                ? AnswerChecks.IsOneCommand(events[0].Type == nameof(TodoCreated) ? RequestKind.Create : RequestKind.Update, events)
                : AnswerChecks.IsOneCommand(RequestKind.DeleteAll, events);
            if (!oneCommand) violations.Add(KeyAppendsOnce, $"{key.Key}: {AnswerChecks.Describe(events)} under {string.Join(", ", events.Select(e => e.CommandId).Distinct())}");
        }
    }

    /// <summary>The events of every request sent with one key: one command, under the key's command id.</summary>
    private static void CheckKey(List<Exchange> sent, List<EventDocument> events, Violations violations)
    {
        var kind = sent[0].Kind;
        var unkeyed = events.Where(e => e.CommandId?.StartsWith(KeyedCommandPrefix, StringComparison.Ordinal) != true).ToList();
        var scopedKeys = events.Select(e => e.CommandId is { } id ? ScopedKey(id) : "").Distinct().Count();
        if (unkeyed.Count > 0 || scopedKeys > 1 || (events.Count > 0 && !AnswerChecks.IsOneCommand(kind, events)))
            violations.Add(KeyAppendsOnce, $"{string.Join("; ", sent)}; stored: {AnswerChecks.Describe(events)}");
        if (kind == RequestKind.Create && events.Where(e => e.Type == nameof(TodoCreated)).Select(e => e.TodoId).Distinct().Count() > 1)
            violations.Add(KeyedCreateOneTodo, $"{string.Join("; ", sent)}; stored: {AnswerChecks.Describe(events)}");
    }

    /// <summary>
    /// The original is the request that completed the key's record: answered, not replayed, and neither a 503 (which
    /// releases the key) nor a 409 with Retry-After (the key was busy or taken over). Replays agree with it and each other.
    /// </summary>
    private static void CheckReplays(List<Exchange> sent, Violations violations)
    {
        var replays = sent.Where(e => e.Replayed).ToList();
        if (replays.Count == 0) return;
        var originals = sent.Where(e => e is { Replayed: false, Status: not null and not 503 } && !(e.Status == 409 && e.HasRetryAfter));
        foreach (var replay in replays)
            foreach (var original in originals.Concat(replays))
                if (replay.Status != original.Status || (replay.Status is 200 or 201 && replay.ETag != original.ETag))
                    violations.Add(ReplayAnswersTheOriginal, $"{replay} {replay.ETag}; the original: {original} {original.ETag}");
    }

    /// <summary>
    /// <c>idempotency:&lt;hash&gt;</c> of a command id <c>idempotency:&lt;hash&gt;:&lt;attempt&gt;</c>, or of a
    /// delete-all's per-todo <c>…:&lt;attempt&gt;:&lt;todo&gt;</c>.
    /// </summary>
    private static string ScopedKey(string commandId) =>
        commandId.IndexOf(':', KeyedCommandPrefix.Length) is var end and >= 0 ? commandId[..end] : commandId;
}
