using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// A host that restarts while the leases container is failing: the SDK takes its failed read of the lease store's
/// <c>.info</c> document for "not initialized", then cannot create it (409). The start retries instead of failing
/// the host, and projects once the reads answer again.
/// </summary>
public sealed class ProcessorStartTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    private static readonly FaultPlan LeaseReadsDown = new()
    {
        Seed = 5,
        Rules = [new FaultRule { Operations = [FaultOperation.Read], Container = TodoStoreLayout.LeasesContainer, Outcome = FaultOutcome.ServiceUnavailable, ForMs = 1500 }],
    };

    [EmbeddedEmulatorFact]
    public async Task A_start_that_reads_an_initialized_lease_store_as_missing_and_fails_to_mark_it_retries_and_then_projects()
    {
        await using var first = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        try
        {
            endpoint.Emulator!.Faults.Install(LeaseReadsDown);
            await using var restarted = await TodoStoreHarness.StartAsync(endpoint, withProjector: true, first.DatabaseName);
            var created = await restarted.CreateAsync("after the restart", waitForReadModel: true);
            Assert.Equal(await restarted.FoldAsync(created), await restarted.ReadModel.GetAsync(created, default));
        }
        finally
        {
            endpoint.Emulator!.Faults.Clear();
        }
    }
}
