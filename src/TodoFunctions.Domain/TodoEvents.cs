namespace TodoFunctions.Domain;

/// <summary>
/// What happened to a todo. These records are the storage format of the event log: renaming a type or a field
/// breaks every stream already written, so change them only by adding a new type or schema version.
/// </summary>
public abstract record TodoEvent;

/// <summary>The todo came into being; it carries every initial field so the stream can be folded alone.</summary>
public sealed record TodoCreated(string Title, bool Completed, int? Order) : TodoEvent;

/// <summary>The title changed to a different, valid value.</summary>
public sealed record TodoTitleUpdated(string Title) : TodoEvent;

/// <summary>An open todo was marked done: its own event so a reader of the log can count completions.</summary>
public sealed record TodoCompleted : TodoEvent;

/// <summary>A done todo was reopened.</summary>
public sealed record TodoUncompleted : TodoEvent;

/// <summary>The position in the list changed; <c>null</c> clears it.</summary>
public sealed record TodoOrderUpdated(int? Order) : TodoEvent;

/// <summary>The todo was deleted; the stream stays, every later command is rejected.</summary>
public sealed record TodoDeleted : TodoEvent;
