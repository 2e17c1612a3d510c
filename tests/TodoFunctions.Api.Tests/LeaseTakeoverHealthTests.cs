using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Cosmos;
using TodoFunctions.Local;
using TodoFunctions.Testing;
using Xunit.Abstractions;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// A projector instance killed while it holds the leases: the survivor reports them stuck, owner named, with the age of
/// the oldest unprojected event as measured, until it takes them over within the SDK's lease expiry; then healthy.
/// </summary>
public sealed class LeaseTakeoverHealthTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan LeaseExpiration = TimeSpan.FromSeconds(20);

    private readonly CosmosEndpoint cosmos = new();
    private readonly StorageEndpoint storage = new();
    private Dictionary<string, string?> settings = null!;

    [Fact]
    public async Task A_killed_instance_s_leases_are_reported_stuck_with_their_owner_and_the_measured_lag_until_the_survivor_takes_them_over()
    {
        await using var doomed = await LocalHostProcess.StartAsync(With("doomed"));
        await WaitForDetailAsync(doomed.BaseAddress, detail => Owners(detail).All(owner => owner == "doomed"), "the first instance to hold every lease");
        await using var survivor = await LocalHost.StartAsync(new LocalHostOptions { Urls = "http://127.0.0.1:0", Settings = With("survivor") });
        using var client = new HttpClient { BaseAddress = survivor.BaseAddress };

        await doomed.KillAsync();
        var killed = Stopwatch.GetTimestamp();
        var before = DateTimeOffset.UtcNow;
        using (var created = await client.SendWithHeadersAsync(HttpMethod.Post, "todos", Json("""{"title":"after the kill"}"""), ("X-Wait-For-Read-Model", "false")))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var after = DateTimeOffset.UtcNow;

        var stuck = await WaitForDetailAsync(survivor.BaseAddress,
            detail => detail.GetProperty("checks").EnumerateArray().Any(check => check.GetProperty("name").GetString()!.StartsWith("stuck:todos/") && !check.GetProperty("healthy").GetBoolean()),
            "the dead instance's todo lease to be reported stuck");
        output.WriteLine($"Instance killed -> its lease reported stuck: {Stopwatch.GetElapsedTime(killed).TotalSeconds:0.0} s (StuckAfter 2 s)");
        var todos = stuck.GetProperty("projections").EnumerateArray().Single(projection => projection.GetProperty("name").GetString() == "todos");
        var lease = todos.GetProperty("leases").EnumerateArray().Single();
        Assert.Equal("doomed", lease.GetProperty("owner").GetString());
        Assert.True(lease.GetProperty("backlog").GetInt64() > 0);
        // The oldest unprojected event is the one written after the kill: its append time lies between the two clocks read around the write.
        var oldest = lease.GetProperty("oldestUnprojectedAt").GetDateTimeOffset();
        Assert.InRange(oldest, before.AddMilliseconds(-1), after.AddMilliseconds(1));
        var reportedAge = todos.GetProperty("oldestUnprojectedAgeSeconds").GetDouble();
        output.WriteLine($"Oldest unprojected event: reported {reportedAge:0.000} s old, appended within a {(after - before).TotalMilliseconds:0} ms window");

        var healthy = await WaitForDetailAsync(survivor.BaseAddress, detail => detail.GetProperty("status").GetString() == "healthy", "the survivor to take the leases over and catch up");
        var takeover = Stopwatch.GetElapsedTime(killed);
        Assert.All(Owners(healthy), owner => Assert.Equal("survivor", owner));
        output.WriteLine($"Instance killed -> survivor owns its leases and reports healthy: {takeover.TotalSeconds:0.0} s (lease expiry {LeaseExpiration.TotalSeconds} s)");
    }

    public async Task InitializeAsync()
    {
        await Task.WhenAll(cosmos.InitializeAsync(), storage.InitializeAsync());
        settings = new Dictionary<string, string?>(storage.Settings)
        {
            [TodoStoreLayout.ConnectionSettingName] = cosmos.ConnectionString,
            ["TodoStore:DatabaseName"] = cosmos.UniqueName("takeover-tests"),
            ["TodoStore:CreateContainersIfMissing"] = "true",
            ["TodoStore:LeaseExpirationInterval"] = LeaseExpiration.ToString(),
            ["ProjectionHealth:RefreshInterval"] = "00:00:00.5",
            ["ProjectionHealth:StuckAfter"] = "00:00:02",
            [FunctionKey.Setting] = LocalHostFixture.AdminKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
    }

    public async Task DisposeAsync() => await Task.WhenAll(cosmos.DisposeAsync(), storage.DisposeAsync());

    private Dictionary<string, string?> With(string instance) => new(settings) { ["TodoStore:InstanceName"] = instance };

    private static IEnumerable<string?> Owners(JsonElement detail) =>
        detail.GetProperty("projections").EnumerateArray().SelectMany(projection => projection.GetProperty("leases").EnumerateArray())
            .Select(lease => lease.GetProperty("owner").GetString());

    private static async Task<JsonElement> WaitForDetailAsync(Uri host, Func<JsonElement, bool> done, string what)
    {
        using var admin = new HttpClient { BaseAddress = host };
        admin.DefaultRequestHeaders.Add(FunctionKey.Header, LocalHostFixture.AdminKey);
        return await Eventually.ReadAsync(async () => await (await admin.GetAsync("admin/projections/todos/health")).ReadJsonAsync(),
            detail => detail.GetProperty("projections").GetArrayLength() == 2 && done(detail), what);
    }
}
