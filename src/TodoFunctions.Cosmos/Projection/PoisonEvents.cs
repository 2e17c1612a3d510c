using System.Text.Json;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Where the projector reports an event it cannot apply (the Functions app: a dead-letter Storage queue). A record
/// must be durable when <see cref="RecordAsync"/> returns: only then is the todo parked and the change feed let past.
/// </summary>
public interface IPoisonEventSink
{
    Task RecordAsync(PoisonEvent poison, CancellationToken cancellationToken);

    /// <summary>Records a change-feed document that names no readable todo, so no todo can be parked for it.</summary>
    Task RecordUnreadableAsync(UnreadableDocument unreadable, CancellationToken cancellationToken);
}

/// <summary>
/// An event that failed every attempt to decode and apply it: the dead-letter record. <see cref="Projection"/> names the
/// projection that parked it (<c>todos</c> or <c>statistics</c>); records from before there were two have none, and were the todo view's.
/// </summary>
public sealed record PoisonEvent(
    Guid TodoId, long Version, string EventType, JsonElement Event, string Error, int Attempts, DateTimeOffset ParkedAt, string? Projection = null);

/// <summary>
/// The dead-letter record of a change-feed document without a readable <c>todoId</c>: the raw document and why it
/// could not be read. <see cref="Kind"/> tells it apart from a <see cref="PoisonEvent"/> on the same queue.
/// </summary>
public sealed record UnreadableDocument(JsonElement Document, string Error, DateTimeOffset RecordedAt)
{
    public string Kind => "unreadableDocument";
}

/// <summary>
/// A todo whose projection (<see cref="Projection"/>: <c>todos</c> or <c>statistics</c>) waits at
/// <see cref="ParkedAtVersion"/> until an operator fixes the cause and retries it.
/// </summary>
public sealed record ParkedTodo(
    Guid TodoId, long ParkedAtVersion, string EventType, string Error, int Attempts, DateTimeOffset ParkedAt, string Projection = ProjectionNames.Todos);

/// <summary>
/// The marker a parked todo's read document carries: the event it stopped at and why. The document keeps the last
/// state that could be applied, so reads show that state as stale rather than nothing. <see cref="HeldVersion"/> is
/// the highest version the change feed delivered and the projector held back (checkpointed past) while parked: a
/// retry clears the marker only once it has applied at least that far, so no held event is ever lost to a stale read
/// or a concurrent append. <see cref="NewerSchemaVersion"/> is set when the event's schema version was newer than the
/// parking release reads: an instance that reads it resumes the todo on its next delivery, without an operator.
/// </summary>
internal sealed record ParkedMarker(
    long Version, string EventType, string Error, int Attempts, DateTimeOffset ParkedAt, long? HeldVersion = null, int? NewerSchemaVersion = null)
{
    /// <summary>The version a retry must reach before the todo counts as projected again.</summary>
    public long HeldThrough => Math.Max(Version, HeldVersion ?? 0);

    public ParkedTodo Of(Guid todoId, string projection) => new(todoId, Version, EventType, Error, Attempts, ParkedAt, projection);
}
