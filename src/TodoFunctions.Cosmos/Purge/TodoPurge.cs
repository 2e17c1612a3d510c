using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos.Purge;

/// <summary>
/// Purges a todo from the trash: appends <see cref="TodoPurged"/> (Idempotency-Key and If-Match apply as to any
/// command), then masks its title in place, so a success means the title is gone. A todo purged before, whose masking
/// may have been cut short, is masked again and refused as not in the trash.
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
        if (result.Outcome is CommandOutcome.Succeeded or CommandOutcome.Rejected { Reason: RejectionReason.Purged })
            await masking.MaskAsync(todoId, cancellationToken);
        return result;
    }
}
