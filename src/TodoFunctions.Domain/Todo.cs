namespace TodoFunctions.Domain;

/// <summary>
/// The state of one todo as folded from its events; <c>null</c> stands for a stream never written. A deleted todo is in
/// the trash and can be restored; a purged one stays deleted for good and keeps no title. <see cref="DueDate"/> is a
/// calendar day with no time zone, the day the user means.
/// </summary>
public sealed record Todo(string Title, bool Completed, int? Order, bool IsDeleted, bool IsPurged = false, DateOnly? DueDate = null)
{
    /// <summary>The longest title accepted, so a read-model document stays small.</summary>
    public const int MaxTitleLength = 1000;

    /// <summary>What a purged todo's title reads as, in its state and in its masked events: no title at all.</summary>
    public const string PurgedTitle = "";

    /// <summary>Decides which events a command causes. An empty list means the command changes nothing.</summary>
    public static Decision Decide(Todo? state, TodoCommand command) => (state, command) switch
    {
        (null, CreateTodo create) => ValidateTitle(create.Title) ?? Decision.Accept(new TodoCreated(create.Title, create.Completed, create.Order, create.DueDate)),
        (not null, CreateTodo) => Decision.Reject(RejectionReason.AlreadyExists, "A todo with this id already exists."),
        (null, _) => Decision.Reject(RejectionReason.NotFound, "No todo with this id exists."),
        ({ IsPurged: true }, _) => Decision.Reject(RejectionReason.Purged, "This todo has been purged; it can never come back."),
        ({ IsDeleted: true }, RestoreTodo) => Decision.Accept(new TodoRestored()),
        ({ IsDeleted: true }, PurgeTodo) => Decision.Accept(new TodoPurged()),
        ({ IsDeleted: true }, _) => Decision.Reject(RejectionReason.Deleted, "This todo has been deleted."),
        (_, RestoreTodo) => Decision.Reject(RejectionReason.NotDeleted, "This todo is not deleted, so there is nothing to restore."),
        (_, PurgeTodo) => Decision.Reject(RejectionReason.NotDeleted, "Only a deleted todo can be purged: delete it first."),
        (_, UpdateTodo update) => DecideUpdate(state, update),
        (_, DeleteTodo) => Decision.Accept(new TodoDeleted()),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown command type."),
    };

    /// <summary>Applies one event; the only place where state changes.</summary>
    public static Todo? Evolve(Todo? state, TodoEvent @event) => (state, @event) switch
    {
        (_, TodoCreated created) => new Todo(created.Title, created.Completed, created.Order, IsDeleted: false, DueDate: created.DueDate),
        (null, _) => throw new InvalidOperationException($"{@event.GetType().Name} cannot start a stream."),
        (_, TodoTitleUpdated e) => state with { Title = e.Title },
        (_, TodoCompleted) => state with { Completed = true },
        (_, TodoUncompleted) => state with { Completed = false },
        (_, TodoOrderUpdated e) => state with { Order = e.Order },
        (_, TodoDueDateChanged e) => state with { DueDate = e.DueDate },
        (_, TodoDeleted) => state with { IsDeleted = true },
        (_, TodoRestored) => state with { IsDeleted = false },
        (_, TodoPurged) => state with { Title = PurgedTitle, IsPurged = true },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Unknown event type."),
    };

    /// <summary>Folds a whole stream, oldest event first.</summary>
    public static Todo? Fold(IEnumerable<TodoEvent> events) => events.Aggregate((Todo?)null, Evolve);

    private static Decision DecideUpdate(Todo state, UpdateTodo update)
    {
        var events = new List<TodoEvent>();
        if (update.Title.HasValue && update.Title.Value != state.Title)
        {
            if (ValidateTitle(update.Title.Value) is { } invalid) return invalid;
            events.Add(new TodoTitleUpdated(update.Title.Value));
        }
        if (update.Completed.HasValue && update.Completed.Value != state.Completed)
            events.Add(update.Completed.Value ? new TodoCompleted() : new TodoUncompleted());
        if (update.Order.HasValue && update.Order.Value != state.Order)
            events.Add(new TodoOrderUpdated(update.Order.Value));
        if (update.DueDate.HasValue && update.DueDate.Value != state.DueDate)
            events.Add(new TodoDueDateChanged(update.DueDate.Value));
        return Decision.Accept([.. events]);
    }

    private static Decision? ValidateTitle(string? title) => title switch
    {
        null or "" => Decision.Reject(RejectionReason.InvalidTitle, "The title is required."),
        _ when string.IsNullOrWhiteSpace(title) => Decision.Reject(RejectionReason.InvalidTitle, "The title must not be blank."),
        { Length: > MaxTitleLength } => Decision.Reject(RejectionReason.InvalidTitle, $"The title must be at most {MaxTitleLength} characters."),
        _ => null,
    };
}

/// <summary>Why a command was refused; an expected outcome, so it is a value and not an exception.</summary>
public enum RejectionReason { NotFound, Deleted, AlreadyExists, InvalidTitle, NotDeleted, Purged }

/// <summary>The outcome of <see cref="Todo.Decide"/>: the events to append, or why none may be.</summary>
public sealed record Decision(IReadOnlyList<TodoEvent> Events, RejectionReason? Rejection, string? Detail)
{
    public bool IsRejected => Rejection is not null;

    public static Decision Accept(params TodoEvent[] events) => new(events, null, null);

    public static Decision Reject(RejectionReason reason, string detail) => new([], reason, detail);
}
