namespace TodoFunctions.Cosmos.Health;

/// <summary>
/// How many dead-letter records wait for an operator (the Functions app: the dead-letter queue's approximate count).
/// Reading it is also the health check's proof that the storage queues answer.
/// </summary>
public interface IDeadLetterCount
{
    Task<long> CountAsync(CancellationToken cancellationToken);
}
