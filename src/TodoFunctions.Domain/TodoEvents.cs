namespace TodoFunctions.Domain;

/// <summary>
/// What happened to a todo. These records are the storage format of the event log: renaming a type or a field
/// breaks every stream already written, so change them only by adding a new type or schema version.
/// </summary>
public abstract record TodoEvent;

/// <summary>
/// The todo came into being; it carries every initial field so the stream can be folded alone. Schema v2 added
/// <see cref="DueDate"/>; a stored v1 event is upcast to v2 with no due date (see <c>TodoEventSchema</c>).
/// </summary>
public sealed record TodoCreated(string Title, bool Completed, int? Order, DateOnly? DueDate = null) : TodoEvent;

/// <summary>The title changed to a different, valid value.</summary>
public sealed record TodoTitleUpdated(string Title) : TodoEvent;

/// <summary>An open todo was marked done: its own event so a reader of the log can count completions.</summary>
public sealed record TodoCompleted : TodoEvent;

/// <summary>A done todo was reopened.</summary>
public sealed record TodoUncompleted : TodoEvent;

/// <summary>The position in the list changed; <c>null</c> clears it.</summary>
public sealed record TodoOrderUpdated(int? Order) : TodoEvent;

/// <summary>The due date changed to another day, or was cleared (<c>null</c>); its own event, so a reminder service can follow it.</summary>
public sealed record TodoDueDateChanged(DateOnly? DueDate) : TodoEvent;

/// <summary>The todo was deleted, into the trash; the stream stays, and only a restore or a purge is accepted.</summary>
public sealed record TodoDeleted : TodoEvent;

/// <summary>A deleted todo came back with its title, completion and order as they were.</summary>
public sealed record TodoRestored : TodoEvent;

/// <summary>
/// A deleted todo was removed for good. Its earlier events are masked in place when this is appended, so the stream
/// keeps its shape (every version still folds) but no longer holds the title.
/// </summary>
public sealed record TodoPurged : TodoEvent;
