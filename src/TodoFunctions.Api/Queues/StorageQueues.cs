using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Queues;

/// <summary>
/// The app's queues in the <c>AzureWebJobsStorage</c> account, through the real <c>Azure.Storage.Queues</c> client:
/// a connection string (<c>UseDevelopmentStorage=true</c> is Azurite on its default ports), or the identity-based
/// <c>AzureWebJobsStorage__queueServiceUri</c> / <c>__accountName</c> with <c>DefaultAzureCredential</c>.
/// Each queue is created the first time it is used.
/// </summary>
public sealed class StorageQueues(QueueServiceClient service, string namePrefix = "")
{
    /// <summary>
    /// Prepended to every queue name, so that several local hosts (test fixtures) can share one storage account
    /// without taking each other's messages. The Functions host does not know it: leave it unset in Azure.
    /// </summary>
    public const string NamePrefixSetting = "ProjectionQueues:NamePrefix";

    /// <summary>Queue messages are Base64, as the Functions host's queue trigger expects them by default (<c>host.json</c> says so too).</summary>
    public static readonly QueueClientOptions ClientOptions = new() { MessageEncoding = QueueMessageEncoding.Base64 };

    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> queues = new();

    public static StorageQueues FromConfiguration(IConfiguration configuration) =>
        new(CreateServiceClient(configuration), configuration[NamePrefixSetting] ?? "");

    /// <summary>The queue named <paramref name="name"/> (see <see cref="ProjectionQueues"/>), created if missing.</summary>
    public Task<QueueClient> GetAsync(string name, CancellationToken cancellationToken) =>
        // Callers share one creation, so no single caller's cancellation may end it for the others.
        queues.GetOrAdd(name, _ => new Lazy<Task<QueueClient>>(() => CreateIfMissingAsync(name))).Value.WaitAsync(cancellationToken);

    private async Task<QueueClient> CreateIfMissingAsync(string name)
    {
        var queue = service.GetQueueClient(namePrefix + name);
        try
        {
            await queue.CreateIfNotExistsAsync();
        }
        catch
        {
            queues.TryRemove(name, out _);
            throw;
        }
        return queue;
    }

    private static QueueServiceClient CreateServiceClient(IConfiguration configuration)
    {
        const string Name = ProjectionQueues.ConnectionSetting;
        var connectionString = configuration.GetConnectionString(Name) ?? configuration[Name];
        if (!string.IsNullOrWhiteSpace(connectionString)) return new QueueServiceClient(connectionString, ClientOptions);

        var serviceUri = configuration[$"{Name}:queueServiceUri"]
            ?? (configuration[$"{Name}:accountName"] is { Length: > 0 } account ? $"https://{account}.queue.core.windows.net" : null)
            ?? throw new InvalidOperationException(
                $"Storage is not configured: set '{Name}' to a connection string (UseDevelopmentStorage=true for Azurite) " +
                $"or '{Name}__accountName' / '{Name}__queueServiceUri' for identity-based access.");
        return new QueueServiceClient(new Uri(serviceUri), IdentityCredential.For(configuration[$"{Name}:clientId"]), ClientOptions);
    }
}
