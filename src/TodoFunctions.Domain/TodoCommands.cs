namespace TodoFunctions.Domain;

/// <summary>What a client asks of one todo; <see cref="Todo.Decide"/> turns it into events or a rejection.</summary>
public abstract record TodoCommand;

/// <summary>Create a todo in a stream that has never been written.</summary>
public sealed record CreateTodo(string Title, bool Completed = false, int? Order = null, DateOnly? DueDate = null) : TodoCommand;

/// <summary>Change any subset of the fields; a field left <see cref="Optional{T}.Unset"/> is not touched.</summary>
public sealed record UpdateTodo(
    Optional<string> Title = default, Optional<bool> Completed = default, Optional<int?> Order = default, Optional<DateOnly?> DueDate = default)
    : TodoCommand;

/// <summary>Delete a live todo: it moves to the trash.</summary>
public sealed record DeleteTodo : TodoCommand;

/// <summary>Bring a deleted todo back from the trash as it was.</summary>
public sealed record RestoreTodo : TodoCommand;

/// <summary>Remove a deleted todo for good: it can never be restored, and its title is forgotten.</summary>
public sealed record PurgeTodo : TodoCommand;

/// <summary>Tells "leave this field alone" apart from "set it", including setting it to <c>null</c>.</summary>
public readonly record struct Optional<T>
{
    public Optional(T value) => (HasValue, Value) = (true, value);

    public bool HasValue { get; }
    public T Value { get; }

    public static Optional<T> Unset => default;

    public static implicit operator Optional<T>(T value) => new(value);
}
