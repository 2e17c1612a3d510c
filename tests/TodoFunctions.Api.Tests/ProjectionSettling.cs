using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// Commands answer before the change-feed projections are done with their events (the statistics projection always
/// writes later, and the todo view does for commands sent without a read-your-writes wait), and every such write moves
/// the weak tags of the list, the trash and the statistics. A test that compares those tags waits until the SDK's
/// change feed estimator sees nothing left for either projection: their leases are checkpointed past every event.
/// </summary>
internal static class ProjectionSettling
{
    public static Task WaitForProjectionsAsync(this LocalHostFixture fixture) =>
        Eventually.ReadAsync(() => PendingEventsAsync(fixture), pending => pending == 0, "both projections to checkpoint past every event");

    private static async Task<long> PendingEventsAsync(LocalHostFixture fixture)
    {
        var options = fixture.Host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
        var client = fixture.Host.Services.GetRequiredService<CosmosClient>();
        var events = client.GetContainer(options.DatabaseName, options.EventsContainer);
        var leases = client.GetContainer(options.DatabaseName, options.LeasesContainer);
        long pending = 0;
        foreach (var processor in new[] { options.ProcessorName, options.StatisticsProcessorName })
        {
            using var estimator = events.GetChangeFeedEstimator(processor, leases).GetCurrentStateIterator();
            while (estimator.HasMoreResults)
                pending += (await estimator.ReadNextAsync()).Sum(lease => lease.EstimatedLag);
        }
        return pending;
    }
}
