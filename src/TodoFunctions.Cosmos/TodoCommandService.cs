using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Cosmos.Telemetry;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>Who asks and on which terms: the correlation id stored on every event, an optional precondition, and whether to wait for the read model.</summary>
public sealed record CommandContext(string CorrelationId, WritePrecondition? Precondition = null, bool WaitForReadModel = true)
{
    /// <summary>
    /// Stored on every event of the command's append, so a writer whose answer was lost can read whether the append
    /// happened: one per attempt at a keyed request (see <see cref="IdempotencyRecord.Marker"/>), otherwise one per request.
    /// </summary>
    public string CommandId { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>The keyed request's claim on its key: its append completes the key's record in the same batch.</summary>
    public IdempotencyClaim? Idempotency { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the request's span, stored on its events so the projector's span can link back to
    /// it; by default the span current where the context is made, <c>null</c> when nothing traces.
    /// </summary>
    public string? TraceParent { get; init; } = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
}

/// <summary>What became of a command; expected refusals are values, not exceptions.</summary>
public abstract record CommandOutcome
{
    /// <summary>The command was applied (or changed nothing); <see cref="Todo"/> is the write side's state after it.</summary>
    public sealed record Succeeded(TodoView Todo, bool ReadModelCaughtUp) : CommandOutcome
    {
        /// <summary>The live read container's session after the command's own write of its read document, if it made one.</summary>
        public ReadSession? ReadModelSession { get; init; }
    }

    /// <summary>The domain refused the command; nothing was stored.</summary>
    public sealed record Rejected(RejectionReason Reason, string Detail) : CommandOutcome;

    /// <summary>
    /// The caller's <see cref="WritePrecondition"/> does not hold (HTTP 412) for the todo at <see cref="CurrentVersion"/>,
    /// <c>null</c> when it has no current representation; nothing was stored.
    /// </summary>
    public sealed record PreconditionFailed(long? CurrentVersion) : CommandOutcome;
}

/// <summary>
/// How many todos <see cref="TodoCommandService.DeleteAllAsync"/> deleted, and whether the read model shows it. A resumed
/// keyed delete-all counts only what this attempt deleted, not what its earlier attempts did.
/// </summary>
public sealed record DeleteAllOutcome(int Deleted, bool ReadModelCaughtUp);

/// <summary>A command's append kept losing the race for its stream more often than <see cref="TodoStoreOptions.MaxConcurrencyRetries"/> allows.</summary>
public sealed class ConcurrencyRetriesExhaustedException(Guid todoId, int attempts)
    : Exception($"Todo {todoId}: the append lost the race {attempts} times in a row.")
{
    public Guid TodoId { get; } = todoId;
}

/// <summary>Some deletes of a delete-all failed (<see cref="Exception.InnerException"/> is the first failure); <see cref="Deleted"/> todos were deleted all the same.</summary>
public sealed class DeleteAllIncompleteException(int deleted, int failed, Exception firstFailure)
    : Exception($"Deleted {deleted} todos; {failed} could not be deleted.", firstFailure)
{
    public int Deleted { get; } = deleted;

    public int Failed { get; } = failed;
}

/// <summary>
/// The application service: load the stream, decide, append atomically; on a lost race re-read and re-decide, so
/// no write is lost; then, when asked, wait until the read model shows the result.
/// </summary>
public sealed class TodoCommandService(EventStore store, ReadModelCatchUp catchUp, ReadModelWriteThrough writeThrough, IOptions<TodoStoreOptions> options)
{
    private const int ParallelDeletes = 8;

    /// <summary>Creates a todo under a new id; no read is needed, since a fresh id has no stream.</summary>
    public Task<CommandOutcome> CreateAsync(CreateTodo command, CommandContext context, CancellationToken cancellationToken)
    {
        var todoId = Guid.NewGuid();
        return CreateAsync(todoId, _ => Task.FromResult(TodoStream.Unwritten(todoId)), command, context, cancellationToken);
    }

    /// <summary>
    /// Creates a todo under an id derived from an Idempotency-Key. The stream is read first: a todo the key created
    /// before its record expired refuses the create (<see cref="RejectionReason.AlreadyExists"/>).
    /// </summary>
    public Task<CommandOutcome> CreateAsync(Guid derivedId, CreateTodo command, CommandContext context, CancellationToken cancellationToken) =>
        CreateAsync(derivedId, token => store.LoadAsync(derivedId, token), command, context, cancellationToken);

    private async Task<CommandOutcome> CreateAsync(
        Guid todoId, Func<CancellationToken, Task<TodoStream>> load, CreateTodo command, CommandContext context, CancellationToken cancellationToken)
    {
        using var watch = WatchIfWaiting(todoId, context);
        var (outcome, appended) = await DecideAsync(load, command, context with { Precondition = null }, cancellationToken);
        return await CatchUpAsync(outcome, appended, watch, cancellationToken);
    }

    /// <summary>Runs an <see cref="UpdateTodo"/> or <see cref="DeleteTodo"/> against an existing todo.</summary>
    public async Task<CommandOutcome> ExecuteAsync(Guid todoId, TodoCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        using var watch = WatchIfWaiting(todoId, context);
        var (outcome, appended) = await DecideAsync(token => store.LoadAsync(todoId, token), command, context, cancellationToken);
        return await CatchUpAsync(outcome, appended, watch, cancellationToken);
    }

    /// <summary>
    /// Deletes every live todo, each with its own <see cref="TodoDeleted"/> under a command id derived from the request's
    /// and the todo's, then waits for all of them at once. The deletes are separate writes: one that fails does not
    /// stop the others, and then <see cref="DeleteAllIncompleteException"/> says how many happened. A keyed delete-all
    /// deletes only the todos created by its key's cutoff, so its retries delete the same set.
    /// A resumed one deletes each todo at most once across all the key's attempts: a live todo whose stream holds an
    /// event under the key's command ids (only its per-todo deletes carry them) was deleted by an earlier attempt and
    /// restored since, so it is left alone and not counted. The attempts keep command ids of their own, which resolving
    /// a lost answer needs, so this is a query of the stream, asked before each append (after a lost race too) and
    /// only when resuming: a first attempt costs nothing more.
    /// </summary>
    public async Task<DeleteAllOutcome> DeleteAllAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var deleted = new ConcurrentBag<(ProjectionWatch? Watch, long Version)>();
        var failures = new ConcurrentQueue<Exception>();
        Func<TodoStream, CancellationToken, Task<bool>>? deletedBefore = context.Idempotency is { Resumes: true } resumed
            ? (stream, token) => store.HoldsCommandAsync(stream.TodoId, resumed.KeyCommandIdPrefix, token)
            : null;
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = ParallelDeletes, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(await store.ListLiveTodoIdsAsync(context.Idempotency?.Marker.Cutoff, cancellationToken), parallel, async (todoId, token) =>
            {
                var watch = WatchIfWaiting(todoId, context);
                try
                {
                    var delete = context with { Precondition = null, CommandId = $"{context.CommandId}:{todoId}", Idempotency = null };
                    var (outcome, appended) = await DecideAsync(loadToken => store.LoadAsync(todoId, loadToken), new DeleteTodo(), delete, token, deletedBefore);
                    // One deleted concurrently by someone else, or deleted by an earlier attempt, is rejected here and not counted.
                    if (outcome is not CommandOutcome.Succeeded succeeded) return;
                    var written = watch is not null && appended is { } append && await writeThrough.TryWriteAsync(append.Before, append.After, token) is not null;
                    deleted.Add((written ? null : watch, succeeded.Todo.Version));
                    if (!written) watch = null;
                }
                catch (Exception failure) when (!token.IsCancellationRequested)
                {
                    failures.Enqueue(failure);
                }
                finally
                {
                    watch?.Dispose();
                }
            });
            if (failures.TryPeek(out var first)) throw new DeleteAllIncompleteException(deleted.Count, failures.Count, first);
            var caughtUp = context.WaitForReadModel
                && (await Task.WhenAll(deleted.Where(d => d.Watch is not null).Select(d => catchUp.WaitAsync(d.Watch!, d.Version, checkFirst: false, cancellationToken)))).All(shown => shown);
            return new DeleteAllOutcome(deleted.Count, caughtUp);
        }
        finally
        {
            foreach (var (watch, _) in deleted) watch?.Dispose();
        }
    }

    /// <summary>
    /// <see cref="TransactAsync"/> on the stream <paramref name="load"/> reads, as one span (<c>todo.decide</c>) whose
    /// children are its Cosmos DB calls, counted in <c>todo.commands</c> by command and outcome.
    /// </summary>
    private async Task<(CommandOutcome Outcome, Append? Appended)> DecideAsync(
        Func<CancellationToken, Task<TodoStream>> load, TodoCommand command, CommandContext context, CancellationToken cancellationToken,
        Func<TodoStream, CancellationToken, Task<bool>>? deletedBefore = null)
    {
        var name = command.GetType().Name;
        using var span = TodoTelemetry.Source.StartActivity("todo.decide");
        span?.SetTag("todo.command", name);
        try
        {
            var stream = await load(cancellationToken);
            span?.SetTag("todo.id", stream.TodoId);
            var decided = await TransactAsync(stream, command, context, cancellationToken, deletedBefore);
            var outcome = decided.Outcome switch
            {
                CommandOutcome.Succeeded => decided.Appended is null ? "unchanged" : "succeeded",
                CommandOutcome.Rejected => "rejected",
                _ => "precondition_failed",
            };
            span?.SetTag("todo.outcome", outcome);
            if (decided.Appended is { } append) span?.SetTag("todo.version", append.After.Version);
            TodoTelemetry.CommandDecided(name, outcome);
            return decided;
        }
        catch (Exception failure)
        {
            span?.SetStatus(ActivityStatusCode.Error, failure.Message);
            TodoTelemetry.CommandDecided(name, "failed");
            throw;
        }
    }

    /// <summary>
    /// Decides and appends, re-reading and re-deciding after each lost race; the stream before and after the append, if any.
    /// <paramref name="deletedBefore"/> (a resumed keyed delete-all's) refuses a delete that an earlier attempt made already.
    /// </summary>
    private async Task<(CommandOutcome Outcome, Append? Appended)> TransactAsync(
        TodoStream stream, TodoCommand command, CommandContext context, CancellationToken cancellationToken,
        Func<TodoStream, CancellationToken, Task<bool>>? deletedBefore = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            // Before deciding: a precondition names a representation, so on a deleted todo it fails (412) rather than the command (404).
            var currentVersion = RepresentedVersion(stream, command);
            if (context.Precondition is { } precondition && !precondition(currentVersion)) return (new CommandOutcome.PreconditionFailed(currentVersion), null);
            var decision = Todo.Decide(stream.State, command);
            if (decision.Rejection is { } reason) return (new CommandOutcome.Rejected(reason, decision.Detail!), null);
            if (decision.Events.Count == 0) return (new CommandOutcome.Succeeded(stream.ToView(), false), null);
            if (deletedBefore is not null && await deletedBefore(stream, cancellationToken))
                return (new CommandOutcome.Rejected(RejectionReason.Deleted, "An earlier attempt of this request deleted this todo, and it was restored since."), null);

            if (await store.TryAppendAsync(stream, decision.Events, context, cancellationToken) is { } appended)
                return (new CommandOutcome.Succeeded(appended.ToView(), false), new Append(stream, appended));

            TodoTelemetry.AppendConflicted();
            if (attempt > options.Value.MaxConcurrencyRetries) throw new ConcurrencyRetriesExhaustedException(stream.TodoId, attempt);
            TodoTelemetry.AppendRetried();
            // Jitter spreads the losers out, so they do not collide again on the next version.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10 * attempt)), cancellationToken);
            stream = await store.LoadAsync(stream.TodoId, cancellationToken);
        }
    }

    /// <summary>
    /// The version of the representation a command acts on, which its precondition names: the todo in the trash for a
    /// restore or a purge, the live todo for anything else; <c>null</c> when there is none.
    /// </summary>
    private static long? RepresentedVersion(TodoStream stream, TodoCommand command) => command is RestoreTodo or PurgeTodo
        ? stream.State is { IsDeleted: true, IsPurged: false } ? stream.Version : null
        : stream.State is { IsDeleted: false } ? stream.Version : null;

    private ProjectionWatch? WatchIfWaiting(Guid todoId, CommandContext context) =>
        context.WaitForReadModel ? catchUp.Watch(todoId) : null;

    /// <summary>
    /// Writes the read document through when the command appended; waits for the projector when that is not confirmed.
    /// One span (<c>todo.read_your_writes</c>), timed in <c>todo.read_your_writes.wait</c> by outcome.
    /// </summary>
    private async Task<CommandOutcome> CatchUpAsync(CommandOutcome outcome, Append? appended, ProjectionWatch? watch, CancellationToken cancellationToken)
    {
        if (outcome is not CommandOutcome.Succeeded succeeded) return outcome;
        if (watch is null)
        {
            TodoTelemetry.ReadYourWritesWaited(TimeSpan.Zero, TodoTelemetry.WaitOutcomes.Skipped);
            return outcome;
        }
        using var span = TodoTelemetry.Source.StartActivity("todo.read_your_writes");
        var started = Stopwatch.GetTimestamp();
        CommandOutcome.Succeeded caughtUp;
        if (appended is { } append && await writeThrough.TryWriteAsync(append.Before, append.After, cancellationToken) is { } session)
        {
            span?.SetTag("todo.read_your_writes.via", "write_through");
            caughtUp = succeeded with { ReadModelCaughtUp = true, ReadModelSession = session };
        }
        else
        {
            span?.SetTag("todo.read_your_writes.via", "projector");
            caughtUp = succeeded with { ReadModelCaughtUp = await catchUp.WaitAsync(watch, succeeded.Todo.Version, checkFirst: appended is null, cancellationToken) };
        }
        var waitOutcome = caughtUp.ReadModelCaughtUp ? TodoTelemetry.WaitOutcomes.CaughtUp : TodoTelemetry.WaitOutcomes.TimedOut;
        span?.SetTag("todo.read_your_writes.outcome", waitOutcome);
        TodoTelemetry.ReadYourWritesWaited(Stopwatch.GetElapsedTime(started), waitOutcome);
        return caughtUp;
    }

    /// <summary>The stream a command decided on and the stream its append made of it.</summary>
    private readonly record struct Append(TodoStream Before, TodoStream After);
}
