using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos.Health;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests.Health;

/// <summary>
/// The monitor against the emulator: concurrent first health calls share one measurement, and one taken before the
/// processor has written any lease (the SDK's estimator then answers an empty page) succeeds.
/// </summary>
public sealed class ProjectionHealthMonitorTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task Concurrent_first_health_calls_before_any_lease_exists_share_one_measurement_that_succeeds()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        using var monitor = new ProjectionHealthMonitor(
            store.Service<CosmosClient>(), store.Service<IOptions<TodoStoreOptions>>(), Options.Create(new ProjectionHealthOptions()), store.Admin,
            deadLetters: null, TimeProvider.System, NullLogger<ProjectionHealthMonitor>.Instance);

        var reports = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => monitor.CurrentAsync(default)));

        Assert.True(reports[0].Checks.All(check => check.Name != "measurement"), string.Join("; ", reports[0].Checks.Select(check => check.Detail)));
        Assert.All(reports, report => Assert.Same(reports[0], report));
    }
}
