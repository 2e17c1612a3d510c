using Azure.Storage.Queues;
using TodoFunctions.Api.Queues;
using TodoFunctions.Local;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// The storage account behind <c>AzureWebJobsStorage</c> for one local host: Azurite started on a free loopback port
/// with in-memory persistence, or the account in <see cref="ConnectionStringVariable"/> (real Azure Storage), so the
/// same tests can be checked against the real service. Its queues carry a prefix of their own either way.
/// </summary>
public sealed class StorageEndpoint : IAsyncLifetime
{
    public const string ConnectionStringVariable = "TODOFUNCTIONS_TEST_STORAGE_CONNECTION_STRING";

    private readonly string? externalConnectionString =
        Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } value ? value : null;

    private AzuriteQueueService? azurite;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Queue names must start with a letter or digit; this keeps them within 63 characters.</summary>
    public string QueueNamePrefix { get; } = $"t{Guid.NewGuid():N}"[..10] + "-";

    /// <summary>The settings that point a local host here.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [ProjectionQueues.ConnectionSetting] = ConnectionString,
        [StorageQueues.NamePrefixSetting] = QueueNamePrefix,
    };

    public async Task InitializeAsync()
    {
        if (externalConnectionString is not null)
        {
            ConnectionString = externalConnectionString;
            return;
        }
        azurite = await AzuriteQueueService.StartAsync(new AzuriteOptions());
        ConnectionString = azurite.ConnectionString;
    }

    /// <summary>One of the app's queues (see <see cref="ProjectionQueues"/>), through the real client, as an operator would read it.</summary>
    public QueueClient Queue(string name) => new(ConnectionString, QueueNamePrefix + name, StorageQueues.ClientOptions);

    public async Task DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
            return;
        }
        var service = new QueueServiceClient(ConnectionString, StorageQueues.ClientOptions);
        await foreach (var queue in service.GetQueuesAsync(prefix: QueueNamePrefix))
            await service.DeleteQueueAsync(queue.Name);
    }
}
