using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>
/// A projection step that kept failing for a reason that passes (an outage, a lagging replica) until the retry bound:
/// an operator's retry that ends in one may be repeated later, so HTTP answers it with 503, not 500.
/// </summary>
public abstract class TransientProjectionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A dead-letter record that could not be stored: the queue's outage, as transient as a database's.</summary>
internal sealed class PoisonRecordingFailedException(Exception inner)
    : TransientProjectionException($"The dead-letter record could not be stored: {inner.Message}", inner);

/// <summary>
/// The projector's one retry policy: a transient failure (throttling, unavailability, timeouts, a split range, a
/// dropped connection, a dead-letter queue that is down) is retried in place with exponential backoff and full
/// jitter, so it never parks a todo and never holds up the other todos of a batch. Only an operation that has not
/// succeeded within <see cref="TodoStoreOptions.ProjectionProgressTimeout"/> rethrows, failing its batch so the
/// change feed delivers it again.
/// </summary>
internal sealed class TransientRetry(IOptions<TodoStoreOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(2);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        for (var ceiling = FirstDelay; ; ceiling = TimeSpan.FromTicks(Math.Min(ceiling.Ticks * 2, LongestDelay.Ticks)))
        {
            try
            {
                return await operation(cancellationToken);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && clock.GetElapsedTime(started) < options.Value.ProjectionProgressTimeout)
            {
            }
            await Task.Delay(ceiling * Random.Shared.NextDouble(), clock, cancellationToken);
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        RunAsync(async token => { await operation(token); return true; }, cancellationToken);

    /// <summary>Failures that say "not now" rather than "never": trying the same thing again later can succeed.</summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        CosmosException { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout
            or HttpStatusCode.Gone or HttpStatusCode.InternalServerError or (HttpStatusCode)449 } => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException or PoisonRecordingFailedException or StaleEventStoreReadException or LeaseStoreInitializedMeanwhileException => true,
        _ => false,
    };
}

/// <summary>
/// The event store answered a retry with fewer events than the change feed already delivered for the todo: a read
/// from a lagging replica. Trusting it would clear the parked marker behind events the projector held back.
/// </summary>
internal sealed class StaleEventStoreReadException(Guid todoId, long read, long held)
    : TransientProjectionException($"The event store returned todo {todoId} up to version {read}, behind version {held} that the change feed delivered; reading again.");
