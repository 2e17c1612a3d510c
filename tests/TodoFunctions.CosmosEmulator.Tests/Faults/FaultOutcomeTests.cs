using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Faults;

/// <summary>Each injected outcome as the real SDK (Gateway mode, one region) sees it: retried by its own policies,
/// or surfaced, and as what.</summary>
public sealed class FaultOutcomeTests
{
    [EmbeddedEmulatorFact]
    public async Task The_sdk_retries_three_injected_429s_by_itself_and_the_read_succeeds()
    {
        await using var bed = await FaultTestBed.StartAsync();
        await bed.CreateAsync("a");
        bed.Install(new FaultRule { Operations = [FaultOperation.Read], Next = 3, Outcome = FaultOutcome.Throttle, RetryAfterMs = 5 });

        var read = await bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("p"));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(3, bed.Injected.Count(fault => fault.Kind == FaultOutcome.Throttle));
        Assert.Equal(3, GatewayCalls(read.Diagnostics, "(429, 3200)"));
    }

    [EmbeddedEmulatorFact]
    public async Task Throttling_beyond_the_sdks_retry_budget_surfaces_as_a_429_cosmos_exception()
    {
        await using var bed = await FaultTestBed.StartAsync(configure: options => options.MaxRetryAttemptsOnRateLimitedRequests = 2);
        await bed.CreateAsync("a");
        bed.Install(new FaultRule { Operations = [FaultOperation.Read], Outcome = FaultOutcome.Throttle, RetryAfterMs = 5 });

        var failure = await Assert.ThrowsAsync<CosmosException>(() => bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("p")));

        Assert.Equal(HttpStatusCode.TooManyRequests, failure.StatusCode);
        Assert.Equal(3200, failure.SubStatusCode);
        Assert.Equal(3, bed.Injected.Count);
    }

    [EmbeddedEmulatorFact]
    public async Task A_408_after_apply_on_a_create_surfaces_as_a_408_cosmos_exception_yet_the_item_exists()
    {
        await using var bed = await FaultTestBed.StartAsync();
        bed.Install(new FaultRule { Operations = [FaultOperation.Create], Next = 1, Outcome = FaultOutcome.TimeoutAfterApply });

        var failure = await Assert.ThrowsAsync<CosmosException>(() => bed.CreateAsync("a"));

        Assert.Equal(HttpStatusCode.RequestTimeout, failure.StatusCode);
        Assert.True(await bed.ExistsAsync("a"));
    }

    [EmbeddedEmulatorFact]
    public async Task A_408_or_503_after_apply_carries_the_session_token_of_the_applied_write_so_the_writer_can_read_it_back()
    {
        await using var bed = await FaultTestBed.StartAsync();
        bed.Install(
            new FaultRule { Operations = [FaultOperation.Create], PartitionKey = "p", Next = 1, Outcome = FaultOutcome.TimeoutAfterApply },
            new FaultRule { Operations = [FaultOperation.Create], PartitionKey = "q", Next = 1, Outcome = FaultOutcome.ServiceUnavailableAfterApply });

        var timedOut = await Assert.ThrowsAsync<CosmosException>(() => bed.CreateAsync("a", pk: "p"));
        var unavailable = await Assert.ThrowsAsync<CosmosException>(() => bed.CreateAsync("b", pk: "q"));

        Assert.False(string.IsNullOrEmpty(timedOut.Headers.Session));
        Assert.False(string.IsNullOrEmpty(unavailable.Headers.Session));
        var readBack = await bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("p"), new ItemRequestOptions { SessionToken = timedOut.Headers.Session });
        Assert.Equal(HttpStatusCode.OK, readBack.StatusCode);
    }

    [EmbeddedEmulatorFact]
    public async Task A_408_before_apply_on_a_create_surfaces_as_a_408_cosmos_exception_and_the_item_does_not_exist()
    {
        await using var bed = await FaultTestBed.StartAsync();
        bed.Install(new FaultRule { Operations = [FaultOperation.Create], Next = 1, Outcome = FaultOutcome.Timeout });

        var failure = await Assert.ThrowsAsync<CosmosException>(() => bed.CreateAsync("a"));

        Assert.Equal(HttpStatusCode.RequestTimeout, failure.StatusCode);
        Assert.False(await bed.ExistsAsync("a"));
    }

    [EmbeddedEmulatorFact]
    public async Task A_503_after_apply_on_a_create_surfaces_as_a_503_cosmos_exception_yet_the_item_exists()
    {
        await using var bed = await FaultTestBed.StartAsync();
        bed.Install(new FaultRule { Operations = [FaultOperation.Create], Next = 1, Outcome = FaultOutcome.ServiceUnavailableAfterApply });

        var failure = await Assert.ThrowsAsync<CosmosException>(() => bed.CreateAsync("a"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.StatusCode);
        Assert.True(await bed.ExistsAsync("a"));
    }

    [EmbeddedEmulatorFact]
    public async Task A_503_on_a_read_is_not_retried_with_a_single_region_and_surfaces_as_a_503_cosmos_exception()
    {
        await using var bed = await FaultTestBed.StartAsync();
        await bed.CreateAsync("a");
        bed.Install(new FaultRule { Operations = [FaultOperation.Read], Next = 1, Outcome = FaultOutcome.ServiceUnavailable });

        var failure = await Assert.ThrowsAsync<CosmosException>(() => bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("p")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.StatusCode);
        Assert.Single(bed.Injected);
    }

    [EmbeddedEmulatorFact]
    public async Task A_449_on_a_replace_is_retried_by_the_sdk_and_the_replace_succeeds()
    {
        await using var bed = await FaultTestBed.StartAsync();
        await bed.CreateAsync("a");
        bed.Install(new FaultRule { Operations = [FaultOperation.Replace], Next = 1, Outcome = FaultOutcome.RetryWith });

        var replaced = await bed.Todos.ReplaceItemAsync(new JObject { ["id"] = "a", ["pk"] = "p", ["v"] = 1 }, "a", new PartitionKey("p"));

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(FaultOutcome.RetryWith, Assert.Single(bed.Injected).Kind);
        Assert.Equal(1, GatewayCalls(replaced.Diagnostics, "(449, 0)"));
    }

    [EmbeddedEmulatorFact]
    public async Task A_410_1002_on_a_change_feed_read_is_retried_by_the_sdk_and_the_page_arrives()
    {
        await using var bed = await FaultTestBed.StartAsync();
        await bed.CreateAsync("a");
        bed.Install(new FaultRule { Operations = [FaultOperation.ChangeFeed], Next = 1, Outcome = FaultOutcome.PartitionKeyRangeGone });

        using var feed = bed.Todos.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion);
        var page = await feed.ReadNextAsync();

        Assert.Equal(["a"], page.Select(item => item.Value<string>("id")));
        Assert.Equal(FaultOutcome.PartitionKeyRangeGone, Assert.Single(bed.Injected).Kind);
    }

    [EmbeddedEmulatorFact]
    public async Task A_410_1002_on_a_query_is_retried_by_the_sdk_and_the_results_arrive()
    {
        await using var bed = await FaultTestBed.StartAsync();
        await bed.CreateAsync("a");
        bed.Install(new FaultRule { Operations = [FaultOperation.Query], Next = 1, Outcome = FaultOutcome.PartitionKeyRangeGone });

        using var query = bed.Todos.GetItemQueryIterator<JObject>("SELECT * FROM c");
        var page = await query.ReadNextAsync();

        Assert.Equal(["a"], page.Select(item => item.Value<string>("id")));
        Assert.Equal(FaultOutcome.PartitionKeyRangeGone, Assert.Single(bed.Injected).Kind);
    }

    [EmbeddedEmulatorFact]
    public async Task A_dropped_connection_on_a_read_is_retried_by_the_sdk_and_the_read_succeeds()
    {
        await using var bed = await FaultTestBed.StartAsync();
        await bed.CreateAsync("a");
        bed.Install(new FaultRule { Operations = [FaultOperation.Read], Next = 1, Outcome = FaultOutcome.DropConnection });

        var read = await bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("p"));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(FaultOutcome.DropConnection, Assert.Single(bed.Injected).Kind);
    }

    [EmbeddedEmulatorFact]
    public async Task A_dropped_connection_before_apply_on_a_create_surfaces_as_an_http_request_exception_and_the_item_does_not_exist()
    {
        await using var bed = await FaultTestBed.StartAsync();
        bed.Install(new FaultRule { Operations = [FaultOperation.Create], Next = 1, Outcome = FaultOutcome.DropConnection });

        await Assert.ThrowsAsync<HttpRequestException>(() => bed.CreateAsync("a"));

        Assert.False(await bed.ExistsAsync("a"));
    }

    [EmbeddedEmulatorFact]
    public async Task A_dropped_connection_after_apply_on_a_create_surfaces_as_an_http_request_exception_yet_the_item_exists()
    {
        await using var bed = await FaultTestBed.StartAsync();
        bed.Install(new FaultRule { Operations = [FaultOperation.Create], Next = 1, Outcome = FaultOutcome.DropConnectionAfterApply });

        await Assert.ThrowsAsync<HttpRequestException>(() => bed.CreateAsync("a"));

        Assert.True(await bed.ExistsAsync("a"));
    }

    [EmbeddedEmulatorFact]
    public async Task Random_latency_is_drawn_per_request_within_its_range_and_the_requests_succeed()
    {
        await using var bed = await FaultTestBed.StartAsync();
        bed.Install(new FaultRule { Operations = [FaultOperation.Create], Outcome = FaultOutcome.Latency, LatencyMs = 1, LatencyMaxMs = 40 });

        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(index => bed.CreateAsync($"item-{index}")));

        Assert.All(created, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        Assert.Equal(8, bed.Injected.Count);
        Assert.All(bed.Injected, fault => Assert.InRange(fault.Delay.TotalMilliseconds, 1, 40));
        Assert.True(bed.Injected.Select(fault => fault.Delay).Distinct().Count() > 1, "the delays are drawn, not fixed");
    }

    // The SDK's own account of the HTTP calls it made: "(status, sub-status)" → count, retries included.
    private static int GatewayCalls(CosmosDiagnostics diagnostics, string statusAndSubStatus) =>
        JObject.Parse(diagnostics.ToString())["Summary"]?["GatewayCalls"]?.Value<int?>(statusAndSubStatus) ?? 0;
}
