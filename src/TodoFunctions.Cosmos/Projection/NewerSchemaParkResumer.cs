using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Resumes, when this release starts and then every <see cref="TodoStoreOptions.NewerSchemaParkResumeInterval"/>, the
/// todos an older release parked at an event this release reads (<see cref="ProjectionAdministration.ResumeNewerSchemaParksAsync"/>):
/// during a rolling deploy a todo created by a new instance may be parked by an old one and never be written again.
/// </summary>
internal sealed class NewerSchemaParkResumer(
    ProjectionAdministration administration, TodoStoreInitializer initializer, IOptions<TodoStoreOptions> options, TimeProvider clock,
    ILogger<NewerSchemaParkResumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await initializer.EnsureCreatedIfConfiguredAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.NewerSchemaParkResumeInterval, clock);
        do
        {
            try
            {
                var resumed = await administration.ResumeNewerSchemaParksAsync(stoppingToken);
                if (resumed.Count > 0) logger.LogInformation("Resumed {Count} todos parked at a newer release's events.", resumed.Count);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Unavailability, or a rebuild taking the container over: the next round tries again.
                logger.LogWarning(e, "Resuming todos parked at a newer release's events failed; trying again in {Interval}.", options.Value.NewerSchemaParkResumeInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
