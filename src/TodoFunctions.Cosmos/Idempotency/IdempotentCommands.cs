using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos.Idempotency;

/// <summary>A command's outcome, and whether it is the stored outcome of an earlier request with the same key.</summary>
public sealed record Idempotent<T>(T Outcome, bool Replayed);

/// <summary>
/// Runs the application's commands at most once per Idempotency-Key: a request without a key runs as before; with a
/// key it claims the key's record first, and a repeat of a completed request gets the stored outcome back.
/// </summary>
public sealed class IdempotentCommands(TodoCommandService commands, IdempotencyRecords records)
{
    /// <summary>A keyed create makes its todo under the key's derived id, so a retry finds the same stream and record.</summary>
    public Task<Idempotent<CommandOutcome>> CreateAsync(IdempotencyKey? key, CreateTodo command, CommandContext context, CancellationToken cancellationToken) =>
        key is null
            ? Unkeyed(commands.CreateAsync(command, context, cancellationToken))
            : RunAsync(key, key.DerivedId, context, keyed => commands.CreateAsync(key.DerivedId, command, keyed, cancellationToken),
                StoredOutcome.Of, stored => stored.ToCommandOutcome(), cancellationToken);

    public Task<Idempotent<CommandOutcome>> ExecuteAsync(
        IdempotencyKey? key, Guid todoId, TodoCommand command, CommandContext context, CancellationToken cancellationToken) =>
        key is null
            ? Unkeyed(commands.ExecuteAsync(todoId, command, context, cancellationToken))
            : RunAsync(key, todoId, context, keyed => commands.ExecuteAsync(todoId, command, keyed, cancellationToken),
                StoredOutcome.Of, stored => stored.ToCommandOutcome(), cancellationToken);

    /// <summary>
    /// A keyed delete-all keeps its record in a partition of its own, the key's derived id, which no stream uses. It
    /// deletes the todos created by the key's cutoff, so every attempt at it deletes the same set: a failed one leaves
    /// its key interrupted for the retry to resume, and one whose key was taken over still answers what it deleted.
    /// </summary>
    public Task<Idempotent<DeleteAllOutcome>> DeleteAllAsync(IdempotencyKey? key, CommandContext context, CancellationToken cancellationToken) =>
        key is null
            ? Unkeyed(commands.DeleteAllAsync(context, cancellationToken))
            : RunAsync(key, key.DerivedId, context, keyed => commands.DeleteAllAsync(keyed, cancellationToken),
                StoredOutcome.Of, stored => stored.ToDeleteAllOutcome(), cancellationToken, resumable: true);

    private async Task<Idempotent<T>> RunAsync<T>(
        IdempotencyKey key, Guid partition, CommandContext context, Func<CommandContext, Task<T>> run,
        Func<T, StoredOutcome> store, Func<StoredOutcome, T> replay, CancellationToken cancellationToken, bool resumable = false)
    {
        var start = await records.BeginAsync(key, partition, cancellationToken);
        if (start.Claim is not { } claim) return new Idempotent<T>(replay(start.Replay!), Replayed: true);
        try
        {
            var outcome = await run(context with { CommandId = claim.Marker.CommandId, Idempotency = claim });
            if (!claim.CompletedByAppend && !await records.TryCompleteAsync(claim, store(outcome), cancellationToken) && !resumable)
                throw new IdempotencyKeyTakenOverException();
            return new Idempotent<T>(outcome, Replayed: false);
        }
        catch
        {
            await (resumable ? records.InterruptAsync(claim) : records.ReleaseAsync(claim));
            throw;
        }
    }

    private static async Task<Idempotent<T>> Unkeyed<T>(Task<T> outcome) => new(await outcome, Replayed: false);
}
