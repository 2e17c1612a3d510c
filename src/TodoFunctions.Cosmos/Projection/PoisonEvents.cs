using System.Text.Json;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Where the projector reports an event it cannot apply (the Functions app: a dead-letter Storage queue). A record
/// must be durable when <see cref="RecordAsync"/> returns: only then is the todo parked and the change feed let past.
/// </summary>
public interface IPoisonEventSink
{
    Task RecordAsync(PoisonEvent poison, CancellationToken cancellationToken);
}

/// <summary>An event that failed every attempt to decode and apply it: the dead-letter record.</summary>
public sealed record PoisonEvent(Guid TodoId, long Version, string EventType, JsonElement Event, string Error, int Attempts, DateTimeOffset ParkedAt);

/// <summary>A todo whose projection waits at <see cref="ParkedAtVersion"/> until an operator fixes the cause and retries it.</summary>
public sealed record ParkedTodo(Guid TodoId, long ParkedAtVersion, string EventType, string Error, int Attempts, DateTimeOffset ParkedAt);

/// <summary>
/// The marker a parked todo's read document carries: the event it stopped at and why. The document keeps the last
/// state that could be applied, so reads show that state as stale rather than nothing.
/// </summary>
internal sealed record ParkedMarker(long Version, string EventType, string Error, int Attempts, DateTimeOffset ParkedAt)
{
    public ParkedTodo Of(Guid todoId) => new(todoId, Version, EventType, Error, Attempts, ParkedAt);
}
