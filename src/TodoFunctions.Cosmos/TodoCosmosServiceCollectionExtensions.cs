using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Cosmos.Purge;

namespace TodoFunctions.Cosmos;

/// <summary>Wires the Cosmos DB event store, read model, command service and projector into a host.</summary>
public static class TodoCosmosServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store from configuration: the <c>CosmosDb</c> connection setting (see <see cref="TodoStoreLayout"/>)
    /// and the <c>TodoStore</c> section. Further <see cref="CosmosClientOptions"/> may be set with
    /// <c>services.Configure&lt;CosmosClientOptions&gt;(…)</c>. The projector and <see cref="ProjectionAdministration"/>
    /// also need an <see cref="IPoisonEventSink"/>, which the host registers.
    /// </summary>
    public static IServiceCollection AddTodoCosmos(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TodoStoreOptions>().Bind(configuration.GetSection(TodoStoreOptions.SectionName));
        services.AddOptions<CosmosClientOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
            TodoCosmosClientFactory.Create(configuration, provider.GetRequiredService<IOptions<CosmosClientOptions>>().Value));
        services.TryAddSingleton(EventSchema.Current);
        services.TryAddSingleton(provider => new TodoEventCodec(provider.GetRequiredService<EventSchema>()));
        services.TryAddSingleton(provider => new EventStore(
            provider.GetRequiredService<CosmosClient>(),
            provider.GetRequiredService<IOptions<TodoStoreOptions>>(),
            provider.GetRequiredService<TodoEventCodec>(),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new TodoHistory(provider.GetRequiredService<EventStore>(), provider.GetRequiredService<TodoEventCodec>()));
        services.TryAddSingleton<ReadModelPointers>();
        services.TryAddSingleton(provider => new TodoReadModel(provider.GetRequiredService<ReadModelPointers>()));
        services.TryAddSingleton<ReadModelCatchUp>();
        services.TryAddSingleton(provider => new ReadModelWriteThrough(
            provider.GetRequiredService<ReadModelPointers>(), provider.GetRequiredService<IOptions<TodoStoreOptions>>(),
            provider.GetRequiredService<ILogger<ReadModelWriteThrough>>()));
        services.TryAddSingleton<TodoCommandService>();
        services.TryAddSingleton(provider => new IdempotencyRecords(
            provider.GetRequiredService<CosmosClient>(), provider.GetRequiredService<IOptions<TodoStoreOptions>>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IdempotentCommands>();
        services.TryAddSingleton<TransientRetry>();
        services.TryAddSingleton<TodoViewWriter>();
        services.TryAddSingleton<PurgeMasking>();
        services.TryAddSingleton(provider => new TodoPurge(provider.GetRequiredService<IdempotentCommands>(), provider.GetRequiredService<PurgeMasking>()));
        services.TryAddSingleton(provider => new TodoProjector(
            provider.GetRequiredService<ReadModelPointers>(),
            provider.GetRequiredService<TodoViewWriter>(),
            provider.GetRequiredService<IPoisonEventSink>(),
            provider.GetRequiredService<ReadModelCatchUp>(),
            provider.GetRequiredService<TransientRetry>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<PurgeMasking>(),
            provider.GetRequiredService<IOptions<TodoStoreOptions>>().Value.ProjectorParallelism));
        services.TryAddSingleton<TodoStatisticsWriter>();
        services.TryAddSingleton(provider => new TodoStatisticsProjector(
            provider.GetRequiredService<ReadModelPointers>(),
            provider.GetRequiredService<TodoStatisticsWriter>(),
            provider.GetRequiredService<IPoisonEventSink>(),
            provider.GetRequiredService<TransientRetry>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<TodoStoreOptions>>().Value.ProjectorParallelism));
        services.TryAddSingleton(provider => new TodoStatistics(provider.GetRequiredService<ReadModelPointers>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ReadModelRebuild>();
        services.TryAddSingleton(provider => new ProjectionAdministration(
            provider.GetRequiredService<ReadModelPointers>(),
            provider.GetRequiredService<ReadModelRebuild>(),
            provider.GetRequiredService<TodoViewWriter>(),
            provider.GetRequiredService<TodoStatisticsWriter>(),
            provider.GetRequiredService<IPoisonEventSink>(),
            provider.GetRequiredService<ReadModelCatchUp>(),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<TodoStoreInitializer>();
        services.AddHostedService(provider => provider.GetRequiredService<TodoStoreInitializer>());
        return services;
    }

    /// <summary>
    /// Runs the change feed processor on the events container as a hosted service, handing each batch to
    /// <paramref name="handleBatch"/> in a new DI scope: the stand-in for the Functions Cosmos DB trigger.
    /// Documents arrive as raw JSON, so one that does not deserialize cannot fail the page before the handler sees it.
    /// The batch is checkpointed only after the handler returns; when it throws, the batch is delivered again.
    /// The host fails to start when no <see cref="IPoisonEventSink"/> is registered, rather than at the first poison event.
    /// </summary>
    public static IServiceCollection AddChangeFeedProjection(
        this IServiceCollection services, Func<IServiceProvider, IReadOnlyList<JsonElement>, CancellationToken, Task> handleBatch) =>
        services.AddChangeFeedProjection(options => options.ProcessorName, handleBatch);

    /// <summary>
    /// As <see cref="AddChangeFeedProjection(IServiceCollection, Func{IServiceProvider, IReadOnlyList{JsonElement}, CancellationToken, Task})"/>,
    /// for a projection whose processor (and lease prefix) is named by <paramref name="processorName"/>.
    /// </summary>
    public static IServiceCollection AddChangeFeedProjection(
        this IServiceCollection services, Func<TodoStoreOptions, string> processorName,
        Func<IServiceProvider, IReadOnlyList<JsonElement>, CancellationToken, Task> handleBatch)
    {
        // Not AddHostedService, which keeps only the first service of a type: each projection adds its own processor.
        services.AddSingleton<IHostedService>(provider =>
        {
            if (provider.GetService<IPoisonEventSink>() is null)
                throw new InvalidOperationException(
                    $"The projector parks events it cannot apply through an {nameof(IPoisonEventSink)} (in the Functions app, the dead-letter queue); register one.");
            return new ChangeFeedProjectionService(
                provider.GetRequiredService<CosmosClient>(),
                provider.GetRequiredService<IOptions<TodoStoreOptions>>(),
                processorName(provider.GetRequiredService<IOptions<TodoStoreOptions>>().Value),
                provider.GetRequiredService<TodoStoreInitializer>(),
                provider.GetRequiredService<IServiceScopeFactory>(),
                provider.GetRequiredService<TransientRetry>(),
                handleBatch,
                provider.GetRequiredService<ILogger<ChangeFeedProjectionService>>());
        });
        return services;
    }

    /// <summary>Resumes todos parked at a newer release's event once this release reads it (<see cref="NewerSchemaParkResumer"/>).</summary>
    public static IServiceCollection AddNewerSchemaParkResumer(this IServiceCollection services) =>
        services.AddHostedService(provider => new NewerSchemaParkResumer(
            provider.GetRequiredService<ProjectionAdministration>(),
            provider.GetRequiredService<TodoStoreInitializer>(),
            provider.GetRequiredService<IOptions<TodoStoreOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<NewerSchemaParkResumer>>()));
}
