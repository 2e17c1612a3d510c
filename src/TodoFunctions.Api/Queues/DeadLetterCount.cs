using TodoFunctions.Cosmos.Health;

namespace TodoFunctions.Api.Queues;

/// <summary>The dead-letter queue's approximate message count: one request, and the health check's proof that storage answers.</summary>
public sealed class DeadLetterCount(StorageQueues queues) : IDeadLetterCount
{
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var queue = await queues.GetAsync(ProjectionQueues.DeadLetters, cancellationToken);
        return (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
    }
}
