using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Runs the SDK's change feed processor on the events container, the engine behind the Functions Cosmos DB trigger,
/// with the same lease semantics: a batch is checkpointed only after its handler returns, and delivered again if it throws.
/// Pages are taken as raw JSON (the stream handler), so the handler reads each document on its own. Each projection
/// runs its own processor under its own name, which prefixes its leases: two projections never share (and split) a lease.
/// </summary>
internal sealed class ChangeFeedProjectionService(
    CosmosClient client,
    IOptions<TodoStoreOptions> options,
    string processorName,
    TodoStoreInitializer initializer,
    IServiceScopeFactory scopes,
    TransientRetry retry,
    Func<IServiceProvider, IReadOnlyList<JsonElement>, CancellationToken, Task> handleBatch,
    ILogger<ChangeFeedProjectionService> logger) : IHostedService
{
    private ChangeFeedProcessor? processor;
    private volatile bool stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureCreatedIfConfiguredAsync(cancellationToken);
        // Starting reads the leases; a transient failure there must not stop the host (a restart during an outage).
        processor = await retry.RunAsync(async _ =>
        {
            var built = Build(options.Value);
            try
            {
                await built.StartAsync();
            }
            catch (CosmosException conflict) when (conflict.StatusCode == HttpStatusCode.Conflict)
            {
                throw new LeaseStoreInitializedMeanwhileException(conflict);
            }
            return built;
        }, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        stopping = true;
        return processor?.StopAsync() ?? Task.CompletedTask;
    }

    private ChangeFeedProcessor Build(TodoStoreOptions settings) =>
        client.GetContainer(settings.DatabaseName, settings.EventsContainer)
            .GetChangeFeedProcessorBuilder(processorName, HandleChangesAsync)
            .WithInstanceName(settings.InstanceName)
            .WithLeaseContainer(client.GetContainer(settings.DatabaseName, settings.LeasesContainer))
            .WithPollInterval(settings.ChangeFeedPollInterval)
            .WithMaxItems(settings.ChangeFeedMaxItems)
            .WithLeaseConfiguration(settings.LeaseAcquireInterval, settings.LeaseExpirationInterval, settings.LeaseRenewInterval)
            // New leases start at the beginning of the log, so deleting the leases and the read container rebuilds the projection.
            .WithStartTime(DateTime.MinValue.ToUniversalTime())
            .WithErrorNotification(LogErrorAsync)
            .Build();

    private async Task HandleChangesAsync(ChangeFeedProcessorContext context, Stream changes, CancellationToken cancellationToken)
    {
        var documents = await DeliveredChanges.DocumentsOfPageAsync(changes, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        await handleBatch(scope.ServiceProvider, documents, cancellationToken);
    }

    private Task LogErrorAsync(string leaseToken, Exception exception)
    {
        // Stopping cancels the batch in hand: the shutdown working, which an alert on errors must not page anyone for.
        if (stopping && exception is ChangeFeedProcessorUserException { InnerException: OperationCanceledException })
            logger.LogInformation(exception, "Change feed lease {LeaseToken} stopped with the host during a batch; the batch will be delivered again.", leaseToken);
        else
            logger.LogError(exception, "Change feed lease {LeaseToken} failed; its batch will be delivered again.", leaseToken);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The processor's start found its lease store "not initialized" and then could not mark it so (409): the SDK takes
/// any failed read of its <c>.info</c> lease document (a 503, a timeout) for a missing one, or another instance
/// initialized it in between. Either way the store is initialized, so a start retried later succeeds.
/// </summary>
internal sealed class LeaseStoreInitializedMeanwhileException(CosmosException conflict)
    : TransientProjectionException($"The change feed processor's lease store was initialized while it started: {conflict.Message}", conflict);
