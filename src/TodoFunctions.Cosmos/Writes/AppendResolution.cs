using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>What one execution of an append batch told about it.</summary>
internal abstract record BatchAnswer(string? SessionToken)
{
    /// <summary>Written; <see cref="ETag"/> is the snapshot's new one.</summary>
    public sealed record Committed(string ETag) : BatchAnswer(SessionToken: null);

    /// <summary>
    /// The version guard refused it (409/412), or the key's marker it replaces is gone (404): nothing of this execution was written.
    /// </summary>
    public sealed record Refused(string? SessionToken) : BatchAnswer(SessionToken);

    /// <summary>No certain answer (408, 503, timeout, dropped connection): it may or may not have been written.</summary>
    public sealed record Lost(Exception Failure, string? SessionToken) : BatchAnswer(SessionToken);
}

/// <summary>Whose command the stream holds at a version.</summary>
internal enum VersionHolder
{
    Nobody,
    ThisCommand,
    AnotherCommand,
}

/// <summary>
/// Runs an append batch and, when its answer is anything but success, finds out from the stream itself whether the
/// command was written: every event carries its command's id, so one point read of the next version settles it.
/// A refusal by the version guard is checked too, because the SDK may retry a batch whose first attempt committed,
/// and then the guard refuses the command's own write.
/// </summary>
internal sealed class AppendResolution(Container container)
{
    private const int ReadAttempts = 3;
    private static readonly TimeSpan ReadBackoff = TimeSpan.FromMilliseconds(100);

    public static async Task<BatchAnswer> ExecuteAsync(TransactionalBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await batch.ExecuteAsync(cancellationToken);
            return response.StatusCode switch
            {
                _ when response.IsSuccessStatusCode => new BatchAnswer.Committed(response[response.Count - 1].ETag),
                HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound => new BatchAnswer.Refused(response.Headers.Session),
                HttpStatusCode.RequestTimeout or HttpStatusCode.ServiceUnavailable =>
                    new BatchAnswer.Lost(new TransactionalBatchException(response), response.Headers.Session),
                _ => throw new TransactionalBatchException(response),
            };
        }
        catch (Exception lost) when (IsLostAnswer(lost, cancellationToken))
        {
            return new BatchAnswer.Lost(lost, (lost as CosmosException)?.Headers?.Session);
        }
    }

    /// <summary>
    /// Reads the event at <paramref name="version"/> with the failed answer's session token, so the write that answer
    /// hid is seen even on a lagging replica. Retried briefly; a read that keeps failing leaves the outcome unknown.
    /// </summary>
    public async Task<VersionHolder> HolderAsync(Guid todoId, long version, string commandId, string? sessionToken, CancellationToken cancellationToken)
    {
        var partition = EventStore.PartitionOf(todoId);
        var options = new ItemRequestOptions { SessionToken = sessionToken };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var stamp = await container.ReadOptionalAsync<CommandStamp>(EventDocument.EventId(todoId, version), partition, cancellationToken, options);
                return stamp is null ? VersionHolder.Nobody
                    : stamp.Value.Document.CommandId == commandId ? VersionHolder.ThisCommand
                    : VersionHolder.AnotherCommand;
            }
            catch (Exception failed) when (IsUnavailable(failed, cancellationToken))
            {
                if (attempt == ReadAttempts) throw new WriteOutcomeUnknownException(todoId, commandId, failed);
                await Task.Delay(ReadBackoff * attempt, cancellationToken);
            }
        }
    }

    private static bool IsLostAnswer(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        TransactionalBatchException => false,
        CosmosException cosmos => cosmos.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.ServiceUnavailable,
        HttpRequestException => true,
        // A timeout inside the SDK, not the caller giving up.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        CosmosException cosmos => cosmos.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.Gone or HttpStatusCode.InternalServerError,
        HttpRequestException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>The one field of an event the resolution needs, read whatever else the document holds.</summary>
    private sealed record CommandStamp([property: JsonPropertyName("commandId")] string? CommandId);
}
