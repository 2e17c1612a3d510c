using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// A local host whose queue trigger gives a failing message two deliveries, a tenth of a second apart, before moving
/// it to the poison queue (host.json's settings, overridden by app settings as the Functions host allows).
/// </summary>
public sealed class QuickPoisonLocalHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "2",
        ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00.1",
        ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.5",
    };
}

/// <summary>
/// <c>POST …/rebuild</c> is never refused forever: a rebuild whose queued run failed on every delivery is resumed, and
/// <c>POST …/rebuild/cancel</c> drops a rebuild so that a new one can start.
/// </summary>
public sealed class RebuildRecoveryTests(QuickPoisonLocalHostFixture fixture) : IClassFixture<QuickPoisonLocalHostFixture>
{
    /// <summary>Every change feed read of the events container fails: each rebuild run saves its claim, then throws.</summary>
    private static readonly FaultPlan ChangeFeedDown = new()
    {
        Seed = 9,
        Rules = [new FaultRule { Operations = [FaultOperation.ChangeFeed], Container = TodoStoreLayout.EventsContainer, Outcome = FaultOutcome.ServiceUnavailable }],
    };

    private readonly HttpClient admin = fixture.AdminClient;

    [EmbeddedEmulatorFact]
    public async Task A_rebuild_whose_runs_all_failed_into_the_poison_queue_is_resumed_by_the_next_POST_and_switches_once_the_fault_is_gone()
    {
        await SeedAsync();
        var before = await StatusAsync();
        string requestId;
        try
        {
            fixture.Emulator!.Faults.Install(ChangeFeedDown);
            using var accepted = await admin.PostAsync("admin/projections/todos/rebuild", null);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            requestId = (await accepted.ReadJsonAsync()).GetProperty("requestId").GetString()!;
            await Eventually.ReadAsync(PoisonedRequestIdsAsync, ids => ids.Contains(requestId), "the rebuild's message to reach the poison queue");
        }
        finally
        {
            fixture.Emulator!.Faults.Clear();
        }
        var stuck = await StatusAsync();

        using var resumed = await admin.PostAsync("admin/projections/todos/rebuild", null);

        Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        var answer = await resumed.ReadJsonAsync();
        Assert.Equal((requestId, true), (answer.GetProperty("requestId").GetString(), answer.GetProperty("resumed").GetBoolean()));
        Assert.Contains("poison queue", answer.GetProperty("detail").GetString());
        Assert.Equal((requestId, RebuildProgress.Replaying), (stuck.GetProperty("rebuild").GetProperty("requestId").GetString(), stuck.GetProperty("rebuild").GetProperty("state").GetString()));
        Assert.DoesNotContain(requestId, await PoisonedRequestIdsAsync());
        await Eventually.ReadAsync(StatusAsync, status => status.GetProperty("liveVersion").GetInt32() > before.GetProperty("liveVersion").GetInt32(), "the resumed rebuild to switch");
        Assert.True(await Eventually.ReadAsync(() => fixture.Events.ReadModelMatchesAsync(fixture.Client), matches => matches, "the read model to equal the fold of every stream"));
    }

    [EmbeddedEmulatorFact]
    public async Task Cancel_drops_a_stuck_rebuild_a_second_cancel_answers_409_and_a_new_rebuild_switches_to_the_fold_of_every_stream()
    {
        await SeedAsync();
        var before = await StatusAsync();
        HttpResponseMessage cancelled, cancelledAgain;
        JsonElement afterCancel;
        try
        {
            fixture.Emulator!.Faults.Install(ChangeFeedDown);
            using var accepted = await admin.PostAsync("admin/projections/todos/rebuild", null);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            await Eventually.ReadAsync(StatusAsync, status => status.GetProperty("rebuild") is { ValueKind: JsonValueKind.Object } rebuild
                && rebuild.GetProperty("state").GetString() == RebuildProgress.Replaying, "the rebuild's run to save its claim");
            cancelled = await admin.PostAsync("admin/projections/todos/rebuild/cancel", null);
            afterCancel = await StatusAsync();
            cancelledAgain = await admin.PostAsync("admin/projections/todos/rebuild/cancel", null);
        }
        finally
        {
            fixture.Emulator!.Faults.Clear();
        }
        using var rebuilt = await admin.PostAsync("admin/projections/todos/rebuild", null);
        var next = await StatusAsync();

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var cancel = (await cancelled.ReadJsonAsync()).GetProperty("cancelled");
        Assert.Equal(RebuildProgress.Cancelled, cancel.GetProperty("state").GetString());
        Assert.False(afterCancel.GetProperty("rebuildInProgress").GetBoolean());
        Assert.Equal(cancel.GetProperty("requestId").GetString(), afterCancel.GetProperty("lastCancelled").GetProperty("requestId").GetString());
        var problem = await cancelledAgain.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(cancel.GetProperty("requestId").GetString(), problem.GetProperty("lastCancelled").GetProperty("requestId").GetString());
        Assert.Equal(HttpStatusCode.Accepted, rebuilt.StatusCode);
        Assert.Equal(cancel.GetProperty("targetVersion").GetInt32() + 1, next.GetProperty("rebuild").GetProperty("targetVersion").GetInt32());
        await Eventually.ReadAsync(StatusAsync, status => status.GetProperty("liveVersion").GetInt32() > before.GetProperty("liveVersion").GetInt32(), "the new rebuild to switch");
        Assert.True(await Eventually.ReadAsync(() => fixture.Events.ReadModelMatchesAsync(fixture.Client), matches => matches, "the read model to equal the fold of every stream"));
        cancelled.Dispose();
        cancelledAgain.Dispose();
    }

    private async Task SeedAsync()
    {
        for (var i = 0; i < 5; i++)
        {
            var todo = await fixture.Client.CreateTodoAsync($$"""{"title":"seeded {{i}}"}""");
            using var patched = await fixture.Client.PatchAsync(todo.Url(), HttpExtensions.Json("""{"completed":true}"""));
        }
    }

    private async Task<JsonElement> StatusAsync()
    {
        using var response = await admin.GetAsync("admin/projections/todos");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private async Task<List<string?>> PoisonedRequestIdsAsync()
    {
        QueueClient poison = await fixture.Host.Services.GetRequiredService<StorageQueues>()
            .GetAsync(ProjectionQueues.RebuildRequests + ProjectionQueues.PoisonSuffix, default);
        var peeked = await poison.PeekMessagesAsync(32);
        return [.. peeked.Value.Select(message => JsonDocument.Parse(message.Body).RootElement.GetProperty("requestId").GetString())];
    }
}
