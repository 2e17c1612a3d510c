using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// An operator's retry of a parked todo racing the projector holding a newer event of it: the marker records what
/// the projector held, so the retry either applies that too or loses its write and reads again; it never clears the
/// marker behind a held event.
/// </summary>
public sealed class ParkedRetryRaceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task A_retry_whose_write_lands_after_the_projector_held_a_newer_event_applies_that_event_too()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await ParkedAtTwoAndFixedAsync(store, appendAfterThePoison: false);

        // The retry's write of the read document is held up in the emulator, after the retry has read the log (v1..v2).
        var faults = endpoint.Emulator!.Faults;
        faults.Install(new FaultPlan
        {
            Seed = 1,
            Rules =
            [
                new FaultRule
                {
                    Operations = [FaultOperation.Replace], Container = TodoStoreLayout.ReadModelContainer, PartitionKey = new JValue(id.ToString()),
                    Next = 1, Outcome = FaultOutcome.Latency, LatencyMs = 3000,
                },
            ],
        });
        try
        {
            var retry = store.Admin.RetryParkedAsync(id, default);
            await TodoStoreHarness.EventuallyAsync(() => Task.FromResult(faults.Injected.Count > 0));

            // Meanwhile a PATCH appends v3, and the projector, seeing the todo still parked, holds it and moves on.
            await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "walk the dog twice"), TodoStoreHarness.NoWait(), default);
            await store.Projector.ProjectAsync([.. (await store.DocumentsOfAsync(id)).Where(document => document.IsEvent && document.Version == 3)], default);

            Assert.Equal(new RetryParkedOutcome.Resumed(3), await retry);
        }
        finally
        {
            faults.Clear();
        }

        Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
        Assert.Empty(await store.Admin.ListParkedAsync(default));
    }

    [Fact]
    public async Task A_retry_whose_read_of_the_log_fails_transiently_reads_again_and_applies_the_held_events()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await ParkedAtTwoAndFixedAsync(store, appendAfterThePoison: true);

        // The retry's first read of the log fails as an unavailable replica would.
        var faults = endpoint.Emulator!.Faults;
        faults.Install(new FaultPlan
        {
            Seed = 1,
            Rules = [new FaultRule { Operations = [FaultOperation.Query], Container = TodoStoreLayout.EventsContainer, Next = 1, Outcome = FaultOutcome.ServiceUnavailable }],
        });
        try
        {
            Assert.Equal(new RetryParkedOutcome.Resumed(3), await store.Admin.RetryParkedAsync(id, default));
        }
        finally
        {
            faults.Clear();
        }

        Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
    }

    [Fact]
    public async Task A_retry_that_reads_the_log_behind_the_held_version_keeps_the_todo_parked_until_the_log_shows_it()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, projectionProgressTimeout: TimeSpan.FromMilliseconds(500));
        var id = await store.CreateAsync("walk the dog");
        // The change feed delivered v2 (poison) and v3; the event store, read as a lagging replica would, has v1 only.
        await store.Projector.ProjectAsync(
            [.. await store.DocumentsOfAsync(id), TodoStoreHarness.ForeignEvent(id, 2, "todo_archived"),
                store.Codec.EventFor(id, 3, new TodoCompleted(), DateTimeOffset.UtcNow, new CommandContext("c"))],
            default);
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "walk the dog twice"), TodoStoreHarness.NoWait(), default);

        await Assert.ThrowsAsync<StaleEventStoreReadException>(() => store.Admin.RetryParkedAsync(id, default));
        Assert.Equal((long?)2, (await store.ReadModel.GetAsync(id, default))!.ParkedAtVersion);

        await store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        Assert.Equal(new RetryParkedOutcome.Resumed(3), await store.Admin.RetryParkedAsync(id, default));
        Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
    }

    /// <summary>A todo parked at v2 by an event type the projector does not know, whose event an operator has since repaired.</summary>
    private static async Task<Guid> ParkedAtTwoAndFixedAsync(TodoStoreHarness store, bool appendAfterThePoison)
    {
        var id = await store.CreateAsync("walk the dog");
        await store.AppendForeignEventAsync(TodoStoreHarness.ForeignEvent(id, 2, "todo_marked_done"), snapshot => snapshot["completed"] = true);
        if (appendAfterThePoison)
            await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "walk the dog twice"), TodoStoreHarness.NoWait(), default);
        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(id), default);
        Assert.Equal(2, Assert.Single(await store.Admin.ListParkedAsync(default)).ParkedAtVersion);
        await store.Events.ReplaceItemAsync(
            store.Codec.EventFor(id, 2, new TodoCompleted(), DateTimeOffset.UtcNow, new CommandContext("operator's fix")),
            EventDocument.EventId(id, 2), new PartitionKey(id.ToString()));
        return id;
    }
}
