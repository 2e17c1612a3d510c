using TodoFunctions.Cosmos;
using TodoFunctions.Domain;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// Each answer the client got, held against the log through the correlation id its request stored on its events.
/// An acknowledged write must be in the log as answered; a refused one must not be there at all; one whose outcome
/// the client never learned may be there at most once.
/// </summary>
internal static class AnswerChecks
{
    public const string ForbiddenServerError = "no response is a 5xx other than 503 with Retry-After";
    public const string AcknowledgedInLog = "every acknowledged write is in the log, as it was answered";
    public const string RefusedNotInLog = "no write reported as failed (4xx/503) happened";
    public const string UnknownAtMostOnce = "a write whose outcome the client never learned happened at most once";

    public static void Check(IReadOnlyCollection<Exchange> exchanges, StoredLog log, Violations violations)
    {
        var sentWithKey = exchanges.Where(e => e.IdempotencyKey is not null).ToLookup(e => e.IdempotencyKey!, e => e.CorrelationId);
        foreach (var exchange in exchanges)
        {
            if (exchange.IsForbiddenServerError) violations.Add(ForbiddenServerError, exchange.ToString());
            if (!exchange.IsWrite) continue;
            var events = log.ByCorrelationId[exchange.CorrelationId].ToList();
            // A replay stored nothing itself: it answers for the events of whichever request with its key ran.
            if (exchange.Replayed) events = [.. sentWithKey[exchange.IdempotencyKey!].SelectMany(id => log.ByCorrelationId[id])];
            if (exchange.IsAcknowledged && !IsInLogAsAnswered(exchange, events, log))
                violations.Add(AcknowledgedInLog, $"{exchange}; its events: {Describe(events)}");
            else if (exchange.IsRefused && events.Count > 0 && !IsPartialDeleteAll(exchange, events))
                violations.Add(RefusedNotInLog, $"{exchange}; yet stored: {Describe(events)}");
            else if (exchange.IsOutcomeUnknown && events.Count > 0 && !IsOneCommand(exchange.Kind, events))
                violations.Add(UnknownAtMostOnce, $"{exchange}; stored: {Describe(events)}");
        }
    }

    private static bool IsInLogAsAnswered(Exchange exchange, List<EventDocument> events, StoredLog log) => exchange.Kind switch
    {
        RequestKind.Create => events is [{ Version: 1, Type: nameof(TodoCreated) } created]
            && created.TodoId == exchange.Answer?.Id && ShowsAnswer(exchange.Answer, log),
        // A PATCH that changed nothing stores nothing; either way the answer is the stream at the version it named.
        RequestKind.Update => exchange.Answer is { } answer && ShowsAnswer(answer, log)
            && (events.Count == 0 || (IsOneCommand(exchange.Kind, events) && events[0].TodoId == answer.Id && events[^1].Version == answer.Version)),
        RequestKind.Delete => events is [{ Type: nameof(TodoDeleted) } deleted] && deleted.TodoId == exchange.TodoId,
        RequestKind.DeleteAll => IsOneCommand(exchange.Kind, events),
        // A restore appends exactly one event, and its answer is the todo back as it was before the delete.
        RequestKind.Restore => exchange.Answer is { } answer && ShowsAnswer(answer, log)
            && events is [{ Type: nameof(TodoRestored) } restored] && restored.TodoId == answer.Id && restored.Version == answer.Version,
        // A purge appends exactly one event, to a todo in the trash, at the version after the one its If-Match named.
        RequestKind.Purge => events is [{ Type: nameof(TodoPurged) } purged] && purged.TodoId == exchange.TodoId
            && log.StateAt(purged.TodoId, purged.Version - 1) is { IsDeleted: true, IsPurged: false }
            && (exchange.IfMatchVersion is not { } named || purged.Version == named + 1),
        _ => true,
    };

    /// <summary>A purge masks a todo's titles in place, so its log shows no title at any version (<see cref="PurgeChecks"/> looks for them).</summary>
    private static bool ShowsAnswer(AnsweredTodo answer, StoredLog log) =>
        log.StateAt(answer.Id, answer.Version)
            == new Todo(log.IsPurged(answer.Id) ? Todo.PurgedTitle : answer.Title, answer.Completed, answer.Order, IsDeleted: false, DueDate: answer.DueDate)
        && log.Streams[answer.Id].Any(e => e.Version == answer.Version);

    /// <summary>
    /// One command's events: contiguous versions of one stream under one command id (a create starting it); for a
    /// delete-all, one deletion on each stream it touched.
    /// </summary>
    public static bool IsOneCommand(RequestKind kind, List<EventDocument> events)
    {
        if (kind == RequestKind.DeleteAll)
            return events.All(e => e.Type == nameof(TodoDeleted)) && events.Select(e => e.TodoId).Distinct().Count() == events.Count;
        var ordered = events.OrderBy(e => e.Version).ToList();
        return ordered.All(e => e.TodoId == ordered[0].TodoId && e.CommandId == ordered[0].CommandId)
            && ordered.Select((e, index) => e.Version - index).Distinct().Count() == 1
            && (kind != RequestKind.Create || ordered is [{ Version: 1, Type: nameof(TodoCreated) }]);
    }

    /// <summary>
    /// A delete-all is one delete per todo, not one write: its 503 says how many happened, so deletions are allowed
    /// there, each todo at most once.
    /// </summary>
    private static bool IsPartialDeleteAll(Exchange exchange, List<EventDocument> events) =>
        exchange is { Kind: RequestKind.DeleteAll, Status: 503 } && IsOneCommand(exchange.Kind, events);

    public static string Describe(List<EventDocument> events) =>
        events.Count == 0 ? "none" : string.Join(", ", events.Select(e => $"{e.TodoId}:{e.Version} {e.Type}"));
}
