using System.Text.Json;
using Azure.Storage.Queues;

namespace TodoFunctions.Api.Queues;

/// <summary>A rebuild request on the queue: which claimed rebuild <see cref="Functions.RebuildTodoProjection"/> runs.</summary>
public sealed record RebuildRequest(string RequestId);

/// <summary>
/// Hands accepted rebuild requests to the queue-triggered function, which may run on any instance of the app, and
/// finds the requests whose run the Functions host gave up on: after <c>maxDequeueCount</c> failed deliveries it moves
/// the message to <c>todo-projection-rebuilds-poison</c>.
/// </summary>
public sealed class RebuildRequestQueue(StorageQueues queues)
{
    /// <summary>The most messages one receive returns; the poison queue holds one per given-up run, so a few at most.</summary>
    private const int MaxMessagesPerReceive = 32;

    /// <summary>How long a received poison message stays hidden from other readers while this one decides on it.</summary>
    private static readonly TimeSpan HiddenWhileInspected = TimeSpan.FromSeconds(30);

    public async Task EnqueueAsync(RebuildRequest request, CancellationToken cancellationToken)
    {
        var queue = await queues.GetAsync(ProjectionQueues.RebuildRequests, cancellationToken);
        await queue.SendMessageAsync(JsonSerializer.Serialize(request, QueueJson.Options), cancellationToken);
    }

    /// <summary>The request ids of the runs in the poison queue (its first 32 messages, which a peek can see).</summary>
    public async Task<IReadOnlyCollection<string>> GivenUpAsync(CancellationToken cancellationToken)
    {
        var poison = await PoisonQueueAsync(cancellationToken);
        var peeked = await poison.PeekMessagesAsync(MaxMessagesPerReceive, cancellationToken);
        return [.. peeked.Value.Select(message => RequestId(message.Body)).OfType<string>().Distinct()];
    }

    /// <summary>Deletes the poison messages of one request, once its run is queued again; leaves the others.</summary>
    public async Task RemoveGivenUpAsync(string requestId, CancellationToken cancellationToken)
    {
        var poison = await PoisonQueueAsync(cancellationToken);
        var others = new List<(string MessageId, string PopReceipt)>();
        try
        {
            while ((await poison.ReceiveMessagesAsync(MaxMessagesPerReceive, HiddenWhileInspected, cancellationToken)).Value is { Length: > 0 } received)
            {
                foreach (var message in received)
                {
                    if (RequestId(message.Body) == requestId)
                        await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    else
                        others.Add((message.MessageId, message.PopReceipt));
                }
            }
        }
        finally
        {
            foreach (var (messageId, popReceipt) in others)
                await poison.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
        }
    }

    private Task<QueueClient> PoisonQueueAsync(CancellationToken cancellationToken) =>
        queues.GetAsync(ProjectionQueues.RebuildRequests + ProjectionQueues.PoisonSuffix, cancellationToken);

    /// <summary>The request id of a message, or <c>null</c> for a message that is not a rebuild request.</summary>
    private static string? RequestId(BinaryData body)
    {
        try
        {
            return JsonSerializer.Deserialize<RebuildRequest>(body.ToMemory().Span, QueueJson.Options)?.RequestId;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The JSON of queue messages: camelCase, as the Functions worker reads trigger payloads case-insensitively.</summary>
internal static class QueueJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
