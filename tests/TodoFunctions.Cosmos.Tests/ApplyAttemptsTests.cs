using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>How often the projector tries an event that cannot be applied before it parks the todo, and what the parked record counts.</summary>
public sealed class ApplyAttemptsTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    private const int MaxApplyAttempts = 3;

    [Fact]
    public async Task An_event_that_cannot_be_applied_is_tried_exactly_MaxApplyAttempts_times_and_a_retry_that_fails_again_adds_its_attempts_to_the_record()
    {
        var tries = 0;
        // A release whose upcaster of TodoCompleted fails: the events stored by today's release cannot be applied by it.
        var failing = EventSchema.Current.WithUpcaster(nameof(TodoCompleted), _ =>
        {
            Interlocked.Increment(ref tries);
            throw new InvalidDataException("this upcaster cannot lift the event");
        });
        await using var today = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await today.CreateAsync("walk the dog");
        await today.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        await using var broken = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, databaseName: today.DatabaseName, schema: failing);

        await broken.Projector.ProjectAsync(await today.DocumentsOfAsync(id), default);

        var parked = Assert.Single(await broken.Admin.ListParkedAsync(default));
        Assert.Equal((2L, MaxApplyAttempts, MaxApplyAttempts), (parked.ParkedAtVersion, parked.Attempts, tries));

        Assert.IsType<RetryParkedOutcome.StillFailing>(await broken.Admin.RetryParkedAsync(id, default));

        var still = Assert.Single(await broken.Admin.ListParkedAsync(default));
        Assert.Equal((2L, 2 * MaxApplyAttempts, 2 * MaxApplyAttempts), (still.ParkedAtVersion, still.Attempts, tries));
    }
}
