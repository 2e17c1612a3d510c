using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Creates the database and containers at start-up when <see cref="TodoStoreOptions.CreateContainersIfMissing"/> is set
/// (local runs); otherwise checks, in the background, that Idempotency-Key records can expire.
/// </summary>
internal sealed class TodoStoreInitializer(CosmosClient client, IOptions<TodoStoreOptions> options, ILogger<TodoStoreInitializer> logger) : IHostedService
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private bool ready;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.CreateContainersIfMissing) return EnsureCreatedIfConfiguredAsync(cancellationToken);
        // One metadata read that must neither delay nor fail the start.
        _ = WarnIfKeyRecordsNeverExpireAsync();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Idempotent, so the change feed service can await it whichever hosted service starts first.</summary>
    public async Task EnsureCreatedIfConfiguredAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.CreateContainersIfMissing) return;
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (ready) return;
            Database database = await client.CreateDatabaseIfNotExistsAsync(settings.DatabaseName, cancellationToken: cancellationToken);
            await EnsureEventsContainerAsync(database, settings.EventsContainer, cancellationToken);
            await database.CreateContainerIfNotExistsAsync(settings.ReadModelContainer, TodoStoreLayout.ReadModelPartitionKeyPath, cancellationToken: cancellationToken);
            await database.CreateContainerIfNotExistsAsync(settings.AlternateReadModelContainer, TodoStoreLayout.ReadModelPartitionKeyPath, cancellationToken: cancellationToken);
            await database.CreateContainerIfNotExistsAsync(settings.LeasesContainer, TodoStoreLayout.LeasesPartitionKeyPath, cancellationToken: cancellationToken);
            ready = true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// An events container created before Idempotency-Key records existed, on an account where the Bicep was not
    /// re-applied, has no default TTL, so Cosmos ignores the records' <c>ttl</c> and they never expire: say so.
    /// </summary>
    private async Task WarnIfKeyRecordsNeverExpireAsync()
    {
        try
        {
            var settings = options.Value;
            var properties = (await client.GetContainer(settings.DatabaseName, settings.EventsContainer).ReadContainerAsync()).Resource;
            if (properties.DefaultTimeToLive is null)
                logger.LogWarning(
                    "The {Container} container has no defaultTimeToLive, so Idempotency-Key records never expire: re-apply the Bicep (defaultTtl -1).",
                    settings.EventsContainer);
        }
        catch (Exception unavailable) when (unavailable is CosmosException or HttpRequestException or OperationCanceledException)
        {
            logger.LogInformation(unavailable, "Could not check the events container's defaultTimeToLive at start-up.");
        }
    }

    /// <summary>A container created before Idempotency-Key records existed lacks the default TTL they need: set it.</summary>
    private static async Task EnsureEventsContainerAsync(Database database, string name, CancellationToken cancellationToken)
    {
        var properties = new ContainerProperties(name, TodoStoreLayout.EventsPartitionKeyPath) { DefaultTimeToLive = TodoStoreLayout.EventsDefaultTimeToLive };
        ContainerResponse response = await database.CreateContainerIfNotExistsAsync(properties, cancellationToken: cancellationToken);
        if (response.Resource.DefaultTimeToLive == TodoStoreLayout.EventsDefaultTimeToLive) return;
        response.Resource.DefaultTimeToLive = TodoStoreLayout.EventsDefaultTimeToLive;
        await response.Container.ReplaceContainerAsync(response.Resource, cancellationToken: cancellationToken);
    }
}
