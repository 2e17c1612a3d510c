using System.Text.Json.Serialization;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos.Idempotency;

/// <summary>
/// A key's record in the events container, in the partition of the todo its request writes: an <c>inFlight</c>
/// marker while the request runs, then the <c>completed</c> outcome that a repeat answers again; a delete-all that failed
/// leaves it <c>interrupted</c> for its retry to resume. Cosmos TTL removes it.
/// </summary>
public sealed record IdempotencyRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("todoId")] Guid TodoId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("commandId")] string CommandId,
    [property: JsonPropertyName("ttl")] int Ttl,
    [property: JsonPropertyName("outcome")] StoredOutcome? Outcome)
{
    public const string RecordKind = "idempotency";
    public const string InFlight = "inFlight";
    public const string Completed = "completed";
    public const string Interrupted = "interrupted";

    /// <summary>
    /// When the key's first attempt started: every attempt keeps it, so a delete-all and each of its retries delete the
    /// todos created by then, the same set, and never one created after the client first sent the request.
    /// </summary>
    [JsonPropertyName("cutoff")]
    public DateTimeOffset? Cutoff { get; init; }

    /// <summary>
    /// A marker for one attempt at the key's request. Its command id, stamped on the events the attempt appends, names
    /// the key and the attempt: after a takeover, resolving a lost answer must not take the other attempt's events for its own.
    /// </summary>
    public static IdempotencyRecord Marker(IdempotencyKey key, Guid partition, DateTimeOffset now, TimeSpan expiry) =>
        new(key.RecordId, partition, RecordKind, InFlight, key.Fingerprint, now, $"{key.RecordId}:{Guid.NewGuid():N}", (int)Math.Ceiling(expiry.TotalSeconds), null) { Cutoff = now };

    /// <summary>A new attempt's marker replacing this record: it keeps the first attempt's cutoff.</summary>
    public IdempotencyRecord Succeeding(IdempotencyRecord marker) => marker with { Cutoff = Cutoff ?? StartedAt };

    public IdempotencyRecord CompletedWith(StoredOutcome outcome) => this with { State = Completed, Outcome = outcome };
}

/// <summary>What a keyed request decided, stored so a repeat renders the same answer (with its own host in urls).</summary>
public sealed record StoredOutcome(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("todo")] TodoView? Todo = null,
    [property: JsonPropertyName("reason")] RejectionReason? Reason = null,
    [property: JsonPropertyName("detail")] string? Detail = null,
    [property: JsonPropertyName("currentVersion")] long? CurrentVersion = null,
    [property: JsonPropertyName("deleted")] int? Deleted = null)
{
    public static StoredOutcome Of(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Succeeded succeeded => new("succeeded", Todo: succeeded.Todo),
        CommandOutcome.Rejected rejected => new("rejected", Reason: rejected.Reason, Detail: rejected.Detail),
        CommandOutcome.PreconditionFailed failed => new("preconditionFailed", CurrentVersion: failed.CurrentVersion),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a command outcome."),
    };

    public static StoredOutcome Of(DeleteAllOutcome outcome) => new("deletedAll", Deleted: outcome.Deleted);

    /// <summary>A replay does not wait for the read model, so it never claims the read model has caught up.</summary>
    public CommandOutcome ToCommandOutcome() => Kind switch
    {
        "succeeded" => new CommandOutcome.Succeeded(Todo!, ReadModelCaughtUp: false),
        "rejected" => new CommandOutcome.Rejected(Reason!.Value, Detail!),
        "preconditionFailed" => new CommandOutcome.PreconditionFailed(CurrentVersion),
        _ => throw new InvalidDataException($"An idempotency record of a single-todo write holds a {Kind} outcome."),
    };

    public DeleteAllOutcome ToDeleteAllOutcome() => Kind == "deletedAll"
        ? new DeleteAllOutcome(Deleted!.Value, ReadModelCaughtUp: false)
        : throw new InvalidDataException($"An idempotency record of a delete-all holds a {Kind} outcome.");
}
