using System.Diagnostics;
using System.Net;
using System.Text.Json;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using Xunit.Abstractions;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// <c>GET /api/health</c> tells truthfully whether the projections keep up: healthy at rest and through a burst,
/// unhealthy naming the cause while the change feed cannot be read or a todo stays parked, healthy again once the
/// cause is gone. Thresholds are short here (<see cref="HealthFixture"/>); the figures are printed.
/// </summary>
public sealed class HealthTests(HealthTests.HealthFixture fixture, ITestOutputHelper output) : IClassFixture<HealthTests.HealthFixture>
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task The_summary_answers_without_a_key_the_detail_only_with_one_and_shows_both_projections_per_lease()
    {
        var summary = await WaitForAsync(HttpStatusCode.OK, "healthy at rest");
        Assert.Equal("healthy", summary.GetProperty("status").GetString());
        Assert.Equal("up", summary.GetProperty("liveness").GetString());
        Assert.Equal("ready", summary.GetProperty("readiness").GetString());
        Assert.Empty(FailedChecks(summary));

        using var refused = await client.GetAsync("admin/projections/todos/health");
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);

        var started = Stopwatch.GetTimestamp();
        using var detailed = await fixture.AdminClient.GetAsync("admin/projections/todos/health");
        var latency = Stopwatch.GetElapsedTime(started);
        var body = await detailed.ReadJsonAsync();
        Assert.Equal(["statistics", "todos"], body.GetProperty("projections").EnumerateArray().Select(projection => projection.GetProperty("name").GetString()));
        Assert.All(body.GetProperty("projections").EnumerateArray(), projection =>
            Assert.All(projection.GetProperty("leases").EnumerateArray(), lease => Assert.Equal(fixture.InstanceName, lease.GetProperty("owner").GetString())));
        output.WriteLine($"One measurement (both projections, pointer, parked list): {body.GetProperty("requestCharge").GetDouble():0.00} RU; a health call answered in {latency.TotalMilliseconds:0.0} ms");
    }

    [Fact]
    public async Task It_is_healthy_at_rest_and_after_a_burst_of_writes_within_the_lag_threshold()
    {
        await WaitForAsync(HttpStatusCode.OK, "healthy at rest");
        var burst = Enumerable.Range(0, 100).Select(i => client.SendWithHeadersAsync(HttpMethod.Post, "todos", Json($$"""{"title":"burst {{i}}"}"""), ("X-Wait-For-Read-Model", "false")));
        foreach (var write in await Task.WhenAll(burst)) Assert.Equal(HttpStatusCode.Created, write.StatusCode);

        using var afterBurst = await client.GetAsync("health");
        var body = await afterBurst.ReadJsonAsync();
        output.WriteLine($"Right after 100 writes: backlog {body.GetProperty("projection").GetProperty("backlog")}, oldest unprojected {body.GetProperty("projection").GetProperty("oldestUnprojectedAgeSeconds")} s");
        Assert.Equal(HttpStatusCode.OK, afterBurst.StatusCode);
        await fixture.WaitForProjectionsAsync();
        await WaitForAsync(HttpStatusCode.OK, "healthy once the burst is projected");
    }

    [Fact]
    public async Task Change_feed_reads_failing_past_the_stuck_threshold_report_the_lease_stuck_and_healthy_again_once_they_answer()
    {
        await WaitForAsync(HttpStatusCode.OK, "healthy before the fault");
        fixture.Emulator!.Faults.Install(new FaultPlan
        {
            Rules = [new FaultRule { Operations = [FaultOperation.ChangeFeed], Container = TodoStoreLayout.EventsContainer, Outcome = FaultOutcome.ServiceUnavailable }],
        });
        var stalled = Stopwatch.GetTimestamp();
        try
        {
            using var written = await client.SendWithHeadersAsync(HttpMethod.Post, "todos", Json("""{"title":"written while the feed fails"}"""), ("X-Wait-For-Read-Model", "false"));
            var unhealthy = await WaitForAsync(HttpStatusCode.ServiceUnavailable, "the todo view's lease to be reported stuck",
                body => FailedChecks(body).Any(check => check.StartsWith("stuck:todos/")));
            output.WriteLine($"Change feed failing -> reported stuck: {Stopwatch.GetElapsedTime(stalled).TotalSeconds:0.0} s (StuckAfter {HealthFixture.StuckAfter.TotalSeconds} s, measured every {HealthFixture.RefreshInterval.TotalSeconds} s)");
            var stuck = unhealthy.GetProperty("failed").EnumerateArray().First(check => check.GetProperty("name").GetString()!.StartsWith("stuck:todos/"));
            Assert.Contains("ProjectionHealth:StuckAfter", stuck.GetProperty("threshold").GetString());
            Assert.Contains("change feed cannot be read", stuck.GetProperty("detail").GetString());
            Assert.Equal("ready", unhealthy.GetProperty("readiness").GetString());
            await AssertUnhealthyAnswersAreDocumentedAsync();
        }
        finally
        {
            fixture.Emulator.Faults.Clear();
        }
        var cleared = Stopwatch.GetTimestamp();
        await WaitForAsync(HttpStatusCode.OK, "healthy once the change feed answers");
        output.WriteLine($"Fault removed -> reported healthy: {Stopwatch.GetElapsedTime(cleared).TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_todo_parked_past_its_threshold_turns_it_unhealthy_naming_the_todo_and_a_retry_after_the_fix_heals_it()
    {
        await WaitForAsync(HttpStatusCode.OK, "healthy before the poison");
        var todo = await client.CreateTodoAsync("""{"title":"to be poisoned"}""");
        var id = Guid.Parse(todo.GetProperty("id").GetString()!);
        await fixture.Events.AppendAsync(id, "todo_archived", new { reason = "written by a newer app" });

        var unhealthy = await WaitForAsync(HttpStatusCode.ServiceUnavailable, "the parked todo to count against health", body => FailedChecks(body).Contains("parked"));
        var parked = unhealthy.GetProperty("failed").EnumerateArray().Single(check => check.GetProperty("name").GetString() == "parked");
        Assert.Contains(id.ToString(), parked.GetProperty("detail").GetString());
        Assert.Contains("ProjectionHealth:MaxParkedAge", parked.GetProperty("threshold").GetString());
        Assert.True(unhealthy.GetProperty("projection").GetProperty("parked").GetInt32() >= 1);

        await fixture.Events.ReplaceAsync(id, 2, "TodoTitleUpdated", new { title = "fixed" });
        using var retried = await fixture.AdminClient.PostAsync($"admin/projections/todos/parked/{id}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var fixedAt = Stopwatch.GetTimestamp();
        await WaitForAsync(HttpStatusCode.OK, "healthy once the todo is retried");
        output.WriteLine($"Parked todo retried -> reported healthy: {Stopwatch.GetElapsedTime(fixedAt).TotalSeconds:0.0} s");
    }

    /// <summary>Both 503s, summary and detail, hold to the OpenAPI document: Retry-After and the closed body schemas.</summary>
    private async Task AssertUnhealthyAnswersAreDocumentedAsync()
    {
        var contract = await OpenApi.OpenApiContract.ReadAsync(client);
        foreach (var (caller, url) in new[] { (client, "health"), (fixture.AdminClient, "admin/projections/todos/health") })
        {
            using var response = await caller.GetAsync(url);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Empty((await contract.CheckAsync("GET", response.RequestMessage!.RequestUri!.AbsolutePath, response)).Errors);
        }
    }

    private static IEnumerable<string> FailedChecks(JsonElement body) =>
        body.GetProperty("failed").EnumerateArray().Select(check => check.GetProperty("name").GetString()!);

    private async Task<JsonElement> WaitForAsync(HttpStatusCode status, string what, Func<JsonElement, bool>? also = null) =>
        (await Eventually.ReadAsync(async () =>
            {
                using var response = await client.GetAsync("health");
                return (response.StatusCode, Body: await response.ReadJsonAsync());
            },
            reading => reading.StatusCode == status && (also?.Invoke(reading.Body) ?? true), what)).Body;

    /// <summary>A local host of its own, measured every half second, with thresholds of seconds.</summary>
    public sealed class HealthFixture : LocalHostFixture
    {
        public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(0.5);
        public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(3);

        public string InstanceName => "health-test-host";

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["TodoStore:InstanceName"] = InstanceName,
            ["ProjectionHealth:RefreshInterval"] = RefreshInterval.ToString(),
            ["ProjectionHealth:StuckAfter"] = StuckAfter.ToString(),
            ["ProjectionHealth:MaxParkedAge"] = "00:00:01",
            ["ProjectionHealth:ParkedRefreshInterval"] = RefreshInterval.ToString(),
            ["ProjectionHealth:MaxLag"] = "00:00:30",
        };
    }
}
