using System.Text;
using System.Text.Json;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Queues;

/// <summary>
/// The projector's record of poison: one message per event it could not apply, with the event, the error and the
/// attempt count, and one per change-feed document that names no readable todo (<c>"kind":"unreadableDocument"</c>). The send is acknowledged by the storage service before <see cref="RecordAsync"/> returns, so the
/// record is durable by the time the projector parks the todo and lets the change feed move on. Messages never
/// expire: they stay until an operator has dealt with them.
/// </summary>
public sealed class DeadLetterQueue(StorageQueues queues) : IPoisonEventSink
{
    /// <summary>A queue message holds 64 KiB of Base64, so 48 KiB of JSON.</summary>
    private const int MaxMessageBytes = 48 * 1024;

    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>How much of an unreadable document too large for a message is kept.</summary>
    private const int KeptCharacters = 4 * 1024;

    public Task RecordAsync(PoisonEvent poison, CancellationToken cancellationToken) => SendAsync(Message(poison), cancellationToken);

    public Task RecordUnreadableAsync(UnreadableDocument unreadable, CancellationToken cancellationToken) =>
        SendAsync(Message(unreadable), cancellationToken);

    private async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        var queue = await queues.GetAsync(ProjectionQueues.DeadLetters, cancellationToken);
        await queue.SendMessageAsync(message, visibilityTimeout: null, NeverExpires, cancellationToken);
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

    /// <summary>A document too large for a message keeps its beginning: with no todo id, nothing else can point to it.</summary>
    private static string Message(UnreadableDocument unreadable)
    {
        var message = JsonSerializer.Serialize(unreadable, QueueJson.Options);
        if (Encoding.UTF8.GetByteCount(message) <= MaxMessageBytes) return message;
        var raw = unreadable.Document.GetRawText();
        var shortened = unreadable with
        {
            Document = JsonSerializer.SerializeToElement($"Left out ({Encoding.UTF8.GetByteCount(raw)} bytes); it begins: {raw[..KeptCharacters]}"),
        };
        return JsonSerializer.Serialize(shortened, QueueJson.Options);
    }
}
