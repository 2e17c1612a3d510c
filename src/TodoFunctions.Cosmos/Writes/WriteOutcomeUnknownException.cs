namespace TodoFunctions.Cosmos;

/// <summary>
/// An append's answer was lost (408, 503, timeout, dropped connection) and reading the stream to find out whether it
/// was written failed too: the command may or may not have happened, so it must be reported as neither.
/// </summary>
public sealed class WriteOutcomeUnknownException(Guid todoId, string commandId, Exception cause)
    : Exception($"Todo {todoId}: the outcome of command {commandId} is unknown; the append's answer was lost and the stream could not be read.", cause)
{
    public Guid TodoId { get; } = todoId;

    public string CommandId { get; } = commandId;
}
