using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TodoFunctions.Domain;
using TodoFunctions.Testing;
using Xunit.Abstractions;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>Events the projector cannot apply: recorded as poison, their todo parked, everything else projecting on.</summary>
public sealed class PoisonEventTests(CosmosEndpoint endpoint, ITestOutputHelper output) : IClassFixture<CosmosEndpoint>
{
    private const int Attempts = 3;

    [Fact]
    public async Task An_event_of_an_unknown_type_written_into_the_log_parks_exactly_its_todo_until_a_retry_after_the_fix()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var poisoned = await store.CreateAsync("walk the dog", waitForReadModel: true);
        var other = await store.CreateAsync("feed the cat", waitForReadModel: true);

        // A newer writer's event this projector does not know, appended the way the store appends: with the snapshot.
        var appendedAt = DateTimeOffset.UtcNow;
        await store.AppendForeignEventAsync(TodoStoreHarness.ForeignEvent(poisoned, 2, "todo_marked_done"), snapshot => snapshot["completed"] = true);
        await store.Commands.ExecuteAsync(poisoned, new UpdateTodo(Title: "walk the dog twice"), TodoStoreHarness.NoWait(), default);
        var otherUpdated = await store.Commands.ExecuteAsync(other, new UpdateTodo(Completed: true), new CommandContext("c"), default);
        await TodoStoreHarness.EventuallyAsync(async () => (await store.Admin.ListParkedAsync(default)).Count > 0);

        Assert.True(Assert.IsType<CommandOutcome.Succeeded>(otherUpdated).ReadModelCaughtUp);
        var parked = Assert.Single(await store.Admin.ListParkedAsync(default));
        Assert.Equal((poisoned, 2L, "todo_marked_done", Attempts), (parked.TodoId, parked.ParkedAtVersion, parked.EventType, parked.Attempts));
        var stale = await store.ReadModel.GetAsync(poisoned, default);
        Assert.Equal(("walk the dog", 1L, true, (long?)2), (stale!.Title, stale.Version, stale.IsStale, stale.ParkedAtVersion));
        Assert.Contains(await store.ReadModel.ListAsync(default), todo => todo.Id == poisoned && todo.IsStale);
        Assert.False((await store.ReadModel.GetAsync(other, default))!.IsStale);

        var early = await store.Admin.RetryParkedAsync(poisoned, default);
        Assert.Contains("todo_marked_done", Assert.IsType<RetryParkedOutcome.StillFailing>(early).Error);

        await store.Events.ReplaceItemAsync(
            store.Codec.EventFor(poisoned, 2, new TodoCompleted(), DateTimeOffset.UtcNow, new CommandContext("operator's fix")),
            EventDocument.EventId(poisoned, 2), new PartitionKey(poisoned.ToString()));
        var retried = await store.Admin.RetryParkedAsync(poisoned, default);

        Assert.Equal(new RetryParkedOutcome.Resumed(3), retried);
        Assert.Equal(await store.FoldAsync(poisoned), await store.ReadModel.GetAsync(poisoned, default));
        Assert.Empty(await store.Admin.ListParkedAsync(default));
        var dead = Assert.Single(store.Poison.Recorded);
        output.WriteLine($"poison event appended to dead-letter record (change feed polled every 50 ms): {(dead.ParkedAt - appendedAt).TotalMilliseconds:0} ms");
        Assert.Equal((poisoned, 2L, "todo_marked_done", Attempts), (dead.TodoId, dead.Version, dead.EventType, dead.Attempts));
        Assert.Equal("todo_marked_done", dead.Event.GetProperty("type").GetString());
        Assert.Contains("unknown event type", dead.Error);
        var afterwards = await store.Commands.ExecuteAsync(poisoned, new UpdateTodo(Order: 1), new CommandContext("c"), default);
        Assert.True(Assert.IsType<CommandOutcome.Succeeded>(afterwards).ReadModelCaughtUp);
    }

    [Theory]
    [InlineData("todo_archived", 1, "{}")]
    [InlineData("TodoTitleUpdated", 0, """{"title":"walk the cat"}""")]
    [InlineData("TodoTitleUpdated", 1, """{"title":5}""")]
    public async Task An_event_of_an_unknown_type_or_schema_version_or_with_an_undecodable_payload_parks_its_todo_and_holds_the_later_events(
        string type, int schemaVersion, string data)
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "two"), TodoStoreHarness.NoWait(), default);
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "three"), TodoStoreHarness.NoWait(), default);
        var events = (await store.DocumentsOfAsync(id)).Where(document => document.IsEvent).OrderBy(document => document.Version).ToList();
        IReadOnlyList<EventDocument> batch = [events[0], TodoStoreHarness.ForeignEvent(id, 2, type, schemaVersion, data), events[2]];

        await store.Projector.ProjectAsync(batch, default);
        await store.Projector.ProjectAsync(batch, default);

        var shown = await store.ReadModel.GetAsync(id, default);
        Assert.Equal(("walk the dog", 1L, (long?)2), (shown!.Title, shown.Version, shown.ParkedAtVersion));
        var dead = Assert.Single(store.Poison.Recorded);
        Assert.Equal((id, 2L, type, Attempts), (dead.TodoId, dead.Version, dead.EventType, dead.Attempts));
    }

    [Fact]
    public async Task A_todo_whose_first_event_cannot_be_applied_is_parked_without_a_state_and_listed_only_as_parked()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = Guid.NewGuid();

        await store.Projector.ProjectAsync([TodoStoreHarness.ForeignEvent(id, 1, nameof(TodoCompleted))], default);

        Assert.Null(await store.ReadModel.GetAsync(id, default));
        Assert.DoesNotContain(await store.ReadModel.ListAsync(default), todo => todo.Id == id);
        var parked = Assert.Single(await store.Admin.ListParkedAsync(default));
        Assert.Equal((id, 1L), (parked.TodoId, parked.ParkedAtVersion));
        Assert.Contains("cannot start a stream", parked.Error);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task A_transient_Cosmos_failure_that_outlasts_the_bound_fails_the_batch_for_redelivery_and_parks_nothing(HttpStatusCode status)
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, projectionProgressTimeout: TimeSpan.FromMilliseconds(300));
        var id = await store.CreateAsync("walk the dog");
        var batch = await store.DocumentsOfAsync(id);

        store.ReadModelFaults.AnswerWritesWith = status;
        var failure = await Assert.ThrowsAsync<CosmosException>(() => store.Projector.ProjectAsync(batch, default));
        Assert.Equal(status, failure.StatusCode);
        Assert.Null(await store.ReadModel.GetAsync(id, default));

        store.ReadModelFaults.AnswerWritesWith = null;
        await store.Projector.ProjectAsync(batch, default);

        Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
        Assert.Empty(await store.Admin.ListParkedAsync(default));
        Assert.Empty(store.Poison.Recorded);
    }

    [Fact]
    public async Task When_the_poison_record_cannot_be_stored_within_the_bound_the_batch_fails_and_the_todo_is_not_parked_until_a_redelivery_records_it()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, projectionProgressTimeout: TimeSpan.FromMilliseconds(300));
        var id = await store.CreateAsync("walk the dog");
        IReadOnlyList<EventDocument> batch = [.. await store.DocumentsOfAsync(id), TodoStoreHarness.ForeignEvent(id, 2, "todo_archived")];

        store.Poison.Refuse = true;
        var failure = await Assert.ThrowsAsync<PoisonRecordingFailedException>(() => store.Projector.ProjectAsync(batch, default));
        Assert.IsType<IOException>(failure.InnerException);
        Assert.Empty(await store.Admin.ListParkedAsync(default));

        store.Poison.Refuse = false;
        await store.Projector.ProjectAsync(batch, default);

        Assert.Equal(id, Assert.Single(await store.Admin.ListParkedAsync(default)).TodoId);
        Assert.Equal(id, Assert.Single(store.Poison.Recorded).TodoId);
    }

    [Fact]
    public async Task Retrying_a_todo_that_is_not_parked_changes_nothing_and_says_so()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true);
        var id = await store.CreateAsync("walk the dog", waitForReadModel: true);

        Assert.IsType<RetryParkedOutcome.NotParked>(await store.Admin.RetryParkedAsync(id, default));
        Assert.IsType<RetryParkedOutcome.NotParked>(await store.Admin.RetryParkedAsync(Guid.NewGuid(), default));
        Assert.Equal(await store.FoldAsync(id), await store.ReadModel.GetAsync(id, default));
    }

    [Fact]
    public async Task A_host_that_runs_the_projector_without_a_poison_sink_fails_to_start_and_names_the_missing_sink()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:CosmosDb"] = endpoint.ConnectionString,
            ["TodoStore:DatabaseName"] = endpoint.UniqueName("todos"),
        }).Build();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging().AddTodoCosmos(configuration).AddChangeFeedProjection((_, _, _) => Task.CompletedTask);
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains(nameof(IPoisonEventSink), failure.Message);
    }
}
