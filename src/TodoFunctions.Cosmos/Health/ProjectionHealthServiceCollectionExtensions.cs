using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos.Health;

public static class ProjectionHealthServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ProjectionHealthMonitor"/> (section <c>ProjectionHealth</c>), measuring in the background.
    /// An <see cref="IDeadLetterCount"/>, when registered, adds the storage check and the dead-letter count.
    /// </summary>
    public static IServiceCollection AddProjectionHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProjectionHealthOptions>().Bind(configuration.GetSection(ProjectionHealthOptions.SectionName));
        services.AddSingleton(provider => new ProjectionHealthMonitor(
            provider.GetRequiredService<CosmosClient>(),
            provider.GetRequiredService<IOptions<TodoStoreOptions>>(),
            provider.GetRequiredService<IOptions<ProjectionHealthOptions>>(),
            provider.GetRequiredService<ProjectionAdministration>(),
            provider.GetService<IDeadLetterCount>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<ProjectionHealthMonitor>>()));
        services.AddHostedService(provider => provider.GetRequiredService<ProjectionHealthMonitor>());
        return services;
    }
}
