using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>Creates the database and containers at start-up when <see cref="TodoStoreOptions.CreateContainersIfMissing"/> is set (local runs).</summary>
internal sealed class TodoStoreInitializer(CosmosClient client, IOptions<TodoStoreOptions> options) : IHostedService
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private bool ready;

    public Task StartAsync(CancellationToken cancellationToken) => EnsureCreatedIfConfiguredAsync(cancellationToken);

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
            await database.CreateContainerIfNotExistsAsync(settings.EventsContainer, TodoStoreLayout.EventsPartitionKeyPath, cancellationToken: cancellationToken);
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
}
