using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>
/// One todo's stream folded to its state, version and creation time, with the ETag of the document it was loaded
/// from (the snapshot on the write side, the read-model document in the projector) that the next write must match.
/// Both sides fold with the same <see cref="Apply"/>. The times come from the events' envelopes, not the domain:
/// <see cref="CompletedAt"/> is when a todo that is completed now was last completed, <see cref="DeletedAt"/> when a
/// todo in the trash (or purged) was deleted.
/// </summary>
public sealed record TodoStream(Guid TodoId, Todo? State, long Version, DateTimeOffset CreatedAt, string? ETag)
{
    public DateTimeOffset? CompletedAt { get; init; }

    public DateTimeOffset? DeletedAt { get; init; }

    public static TodoStream Unwritten(Guid todoId) => new(todoId, null, 0, default, null);

    /// <summary>The stream after one more event, recorded at <paramref name="timestamp"/>.</summary>
    public TodoStream Apply(TodoEvent @event, DateTimeOffset timestamp) => this with
    {
        State = Todo.Evolve(State, @event),
        Version = Version + 1,
        CreatedAt = @event is TodoCreated ? timestamp : CreatedAt,
        CompletedAt = @event switch
        {
            TodoCreated created => created.Completed ? timestamp : null,
            TodoCompleted => timestamp,
            TodoUncompleted => null,
            _ => CompletedAt,
        },
        DeletedAt = @event switch
        {
            TodoDeleted => timestamp,
            TodoRestored => null,
            _ => DeletedAt,
        },
    };

    public TodoView ToView() => State is { } state
        ? new TodoView(TodoId, state.Title, state.Completed, state.Order, Version, CreatedAt) { DeletedAt = DeletedAt, DueDate = state.DueDate }
        : throw new InvalidOperationException("An unwritten stream has no view.");
}
