using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// Transient failures of the read model, injected by the emulator's fault plan: retried in place per todo, so they
/// park nothing and hold up no other todo; only a todo that makes no progress within the bound fails its batch.
/// </summary>
public sealed class TransientFaultProjectionTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    private FaultInjector Faults => endpoint.Emulator!.Faults;

    [Fact]
    public async Task A_projector_that_starts_while_reading_its_leases_fails_transiently_starts_once_the_reads_pass()
    {
        Faults.Install(new FaultPlan
        {
            Seed = 9,
            Rules = [new FaultRule { Operations = [FaultOperation.Query], Container = TodoStoreLayout.LeasesContainer, Next = 3, Outcome = FaultOutcome.ServiceUnavailable }],
        });
        try
        {
            await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true, projectionProgressTimeout: TimeSpan.FromSeconds(30));

            var id = await store.CreateAsync("walk the dog", waitForReadModel: true);

            Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
            Assert.Contains(Faults.Injected, fault => fault.Container == TodoStoreLayout.LeasesContainer);
        }
        finally
        {
            Faults.Clear();
        }
    }

    [Theory]
    [InlineData(FaultOutcome.ServiceUnavailable)]
    [InlineData(FaultOutcome.Timeout)]
    public async Task A_burst_of_transient_failures_on_a_todos_read_document_is_retried_in_place_and_parks_nothing(FaultOutcome outcome)
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, projectionProgressTimeout: TimeSpan.FromSeconds(30));
        var hit = await store.CreateAsync("walk the dog");
        var spared = await store.CreateAsync("feed the cat");
        await store.Commands.ExecuteAsync(hit, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        List<EventDocument> batch = [.. await store.DocumentsOfAsync(hit), .. await store.DocumentsOfAsync(spared)];

        Faults.Install(new FaultPlan { Seed = 9, Rules = [OnReadDocumentOf(hit, outcome) with { ForMs = 1000 }] });
        try
        {
            await store.Projector.ProjectAsync(batch, default);
        }
        finally
        {
            Faults.Clear();
        }

        Assert.Contains(Faults.Injected, fault => fault.Kind == outcome && fault.ItemId == hit.ToString());
        Assert.Equal(await store.FoldAsync(hit), await store.ReadModel.GetAsync(hit, default));
        Assert.Equal(await store.FoldAsync(spared), await store.ReadModel.GetAsync(spared, default));
        Assert.Empty(await store.Admin.ListParkedAsync(default));
        Assert.Empty(store.Poison.Recorded);
    }

    [Fact]
    public async Task A_todo_that_makes_no_progress_within_the_bound_fails_the_batch_after_the_other_todos_are_projected_and_a_redelivery_projects_it()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, projectionProgressTimeout: TimeSpan.FromSeconds(3));
        var hit = await store.CreateAsync("walk the dog");
        var spared = new List<Guid>();
        for (var i = 0; i < 24; i++) spared.Add(await store.CreateAsync($"todo {i}"));
        List<EventDocument> batch = [.. await store.DocumentsOfAsync(hit)];
        foreach (var id in spared) batch.AddRange(await store.DocumentsOfAsync(id));

        Faults.Install(new FaultPlan { Seed = 9, Rules = [OnReadDocumentOf(hit, FaultOutcome.ServiceUnavailable)] });
        try
        {
            await Assert.ThrowsAnyAsync<Microsoft.Azure.Cosmos.CosmosException>(() => store.Projector.ProjectAsync(batch, default));
        }
        finally
        {
            Faults.Clear();
        }

        Assert.Null(await store.ReadModel.GetAsync(hit, default));
        foreach (var id in spared)
            Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
        Assert.Empty(await store.Admin.ListParkedAsync(default));

        await store.Projector.ProjectAsync(batch, default);

        Assert.Equal(await store.FoldAsync(hit), await store.ReadModel.GetAsync(hit, default));
        Assert.Empty(store.Poison.Recorded);
    }

    /// <summary>Every request for one todo's document in the live read container.</summary>
    private static FaultRule OnReadDocumentOf(Guid todoId, FaultOutcome outcome) =>
        new() { Container = TodoStoreLayout.ReadModelContainer, PartitionKey = new JValue(todoId.ToString()), Outcome = outcome };
}
