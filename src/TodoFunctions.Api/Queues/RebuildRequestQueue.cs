using System.Text.Json;

namespace TodoFunctions.Api.Queues;

/// <summary>A rebuild request on the queue: which claimed rebuild <see cref="Functions.RebuildTodoProjection"/> runs.</summary>
public sealed record RebuildRequest(string RequestId);

/// <summary>Hands accepted rebuild requests to the queue-triggered function, which may run on any instance of the app.</summary>
public sealed class RebuildRequestQueue(StorageQueues queues)
{
    public async Task EnqueueAsync(RebuildRequest request, CancellationToken cancellationToken)
    {
        var queue = await queues.GetAsync(ProjectionQueues.RebuildRequests, cancellationToken);
        await queue.SendMessageAsync(JsonSerializer.Serialize(request, QueueJson.Options), cancellationToken);
    }
}

/// <summary>The JSON of queue messages: camelCase, as the Functions worker reads trigger payloads case-insensitively.</summary>
internal static class QueueJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
