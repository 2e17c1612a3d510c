using System.Text;
using System.Text.Json;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Queues;

/// <summary>
/// The projector's record of poison: one message per event it could not apply, with the event, the error and the
/// attempt count. The send is acknowledged by the storage service before <see cref="RecordAsync"/> returns, so the
/// record is durable by the time the projector parks the todo and lets the change feed move on. Messages never
/// expire: they stay until an operator has dealt with them.
/// </summary>
public sealed class DeadLetterQueue(StorageQueues queues) : IPoisonEventSink
{
    /// <summary>A queue message holds 64 KiB of Base64, so 48 KiB of JSON.</summary>
    private const int MaxMessageBytes = 48 * 1024;

    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    public async Task RecordAsync(PoisonEvent poison, CancellationToken cancellationToken)
    {
        var queue = await queues.GetAsync(ProjectionQueues.DeadLetters, cancellationToken);
        await queue.SendMessageAsync(Message(poison), visibilityTimeout: null, NeverExpires, cancellationToken);
    }

    /// <summary>An event too large for a message is left out; it is still in the events container, under the id the message names.</summary>
    private static string Message(PoisonEvent poison)
    {
        var message = JsonSerializer.Serialize(poison, QueueJson.Options);
        if (Encoding.UTF8.GetByteCount(message) <= MaxMessageBytes) return message;
        var withoutEvent = poison with
        {
            Event = JsonSerializer.SerializeToElement(
                $"Left out ({Encoding.UTF8.GetByteCount(poison.Event.GetRawText())} bytes): read document {EventDocument.EventId(poison.TodoId, poison.Version)} in the events container."),
        };
        return JsonSerializer.Serialize(withoutEvent, QueueJson.Options);
    }
}
