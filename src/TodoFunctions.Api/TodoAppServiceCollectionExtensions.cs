using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Api.Http;
using TodoFunctions.Api.Queues;
using TodoFunctions.Api.WebApp;
using TodoFunctions.Api.Telemetry;
using TodoFunctions.Cosmos;
using TodoFunctions.Cosmos.Health;

namespace TodoFunctions.Api;

/// <summary>The app's one composition, shared by the Functions worker and the local host so the two cannot drift.</summary>
public static class TodoAppServiceCollectionExtensions
{
    public static IServiceCollection AddTodoApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTodoCosmos(configuration);
        services.AddTodoTelemetry(configuration);
        services.AddSingleton(_ => StorageQueues.FromConfiguration(configuration));
        services.AddSingleton<RebuildRequestQueue>();
        services.AddSingleton<IPoisonEventSink, DeadLetterQueue>();
        services.AddSingleton<TodoHttp>();
        services.AddSingleton<WebAppFiles>();
        services.AddSingleton<ProjectTodos>();
        services.AddChangeFeedProjection((provider, events, cancellationToken) =>
            provider.GetRequiredService<ProjectTodos>().Run(events, cancellationToken));
        services.AddSingleton<ProjectTodoStatistics>();
        services.AddChangeFeedProjection(options => options.StatisticsProcessorName, (provider, events, cancellationToken) =>
            provider.GetRequiredService<ProjectTodoStatistics>().Run(events, cancellationToken));
        services.AddNewerSchemaParkResumer();
        services.AddSingleton<IDeadLetterCount, DeadLetterCount>();
        services.AddProjectionHealth(configuration);
        return services;
    }
}
