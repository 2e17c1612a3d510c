using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos.Purge;

/// <summary>
/// Purges a todo from the trash: appends <see cref="TodoPurged"/> (Idempotency-Key and If-Match apply as to any
/// command), then masks its title in place. A success means the todo is gone from every answer; its stored documents
/// are masked by then unless the database failed mid-masking, which the projector finishes. A todo purged before,
/// whose masking may have been cut short, is masked again and refused as not in the trash.
/// </summary>
public sealed class TodoPurge
{
    private readonly IdempotentCommands commands;
    private readonly PurgeMasking masking;

    internal TodoPurge(IdempotentCommands commands, PurgeMasking masking)
    {
        this.commands = commands;
        this.masking = masking;
    }

    public async Task<Idempotent<CommandOutcome>> PurgeAsync(IdempotencyKey? key, Guid todoId, CommandContext context, CancellationToken cancellationToken)
    {
        var result = await commands.ExecuteAsync(key, todoId, new PurgeTodo(), context, cancellationToken);
        if (result.Outcome is not (CommandOutcome.Succeeded or CommandOutcome.Rejected { Reason: RejectionReason.Purged })) return result;
        try
        {
            await masking.MaskAsync(todoId, cancellationToken);
        }
        // TodoPurged is stored, so a 503 would tell the client that nothing happened. The projector finishes the masking
        // (before it checkpoints TodoPurged), and X-Read-Model-Caught-Up is true only once its pass has masked.
        // The command's own write of the read document does not mask, so it does not make the read model caught up either.
        catch (Exception unavailable) when (result.Outcome is CommandOutcome.Succeeded succeeded && TransientRetry.IsTransient(unavailable, cancellationToken))
        {
            return result with { Outcome = succeeded with { ReadModelCaughtUp = false, ReadModelSession = null } };
        }
        return result;
    }
}
