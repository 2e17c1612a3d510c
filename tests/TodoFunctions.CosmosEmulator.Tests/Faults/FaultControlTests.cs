using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.CosmosEmulator.Tests.Persistence;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Faults;

/// <summary>The ways to steer faults from outside a test: the <c>/_emulator/faults</c> endpoint, the standalone
/// emulator's <c>--faults</c> and <c>--seed</c>, and the refusal of plans the service could never produce.</summary>
public sealed class FaultControlTests : IDisposable
{
    private const string ReadsThrottledOnce = """{"seed": 42, "rules": [{"operations": ["read"], "next": 1, "outcome": "throttle", "retryAfterMs": 5}]}""";

    private readonly string planFile = Path.Combine(Path.GetTempPath(), $"faults-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(planFile);

    [EmbeddedEmulatorFact]
    public async Task A_plan_put_on_the_endpoint_is_returned_by_get_hits_requests_and_is_cleared_by_delete()
    {
        await using var bed = await FaultTestBed.StartAsync();
        await bed.CreateAsync("a");
        await bed.CreateAsync("b");
        using var http = Control(bed.Emulator, CosmosEmulatorOptions.WellKnownAccountKey);

        using var put = await http.PutAsync("_emulator/faults", new StringContent(ReadsThrottledOnce, Encoding.UTF8, "application/json"));
        var installed = JObject.Parse(await http.GetStringAsync("_emulator/faults"));
        await bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("p"));
        using var delete = await http.DeleteAsync("_emulator/faults");
        var cleared = JObject.Parse(await http.GetStringAsync("_emulator/faults"));
        await bed.Todos.ReadItemAsync<JObject>("b", new PartitionKey("p"));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.True(JToken.DeepEquals(JObject.Parse(await put.Content.ReadAsStringAsync()), installed));
        Assert.Equal(42, installed.Value<long>("seed"));
        Assert.Equal("throttle", installed["rules"]![0]!.Value<string>("outcome"));
        var injected = Assert.Single(bed.Injected);
        Assert.Equal(("a", FaultOutcome.Throttle), (injected.ItemId, injected.Kind));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Empty(cleared["rules"]!);
        Assert.Null(bed.Emulator.Faults.Plan);
    }

    [EmbeddedEmulatorFact]
    public async Task The_endpoint_answers_401_without_the_account_key()
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions());
        using var anonymous = Control(emulator, key: null);
        using var wrongKey = Control(emulator, Convert.ToBase64String(new byte[64]));

        using var get = await anonymous.GetAsync("_emulator/faults");
        using var put = await wrongKey.PutAsync("_emulator/faults", new StringContent(ReadsThrottledOnce));
        using var delete = await wrongKey.DeleteAsync("_emulator/faults");

        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        Assert.Null(emulator.Faults.Plan);
    }

    [EmbeddedEmulatorFact]
    public async Task Control_requests_are_never_hit_by_faults()
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions
        {
            Faults = new FaultPlan { Rules = [new FaultRule { Outcome = FaultOutcome.DropConnection }] },
        });
        using var http = Control(emulator, CosmosEmulatorOptions.WellKnownAccountKey);

        var plan = JObject.Parse(await http.GetStringAsync("_emulator/faults"));

        Assert.Equal("dropConnection", plan["rules"]![0]!.Value<string>("outcome"));
        Assert.NotNull(plan["seed"]);
        Assert.Empty(emulator.Faults.Injected);
    }

    [EmbeddedEmulatorFact]
    public async Task A_410_1002_rule_for_anything_but_queries_and_change_feed_is_refused_with_a_clear_message()
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions());
        using var http = Control(emulator, CosmosEmulatorOptions.WellKnownAccountKey);
        const string goneOnRead = """{"rules": [{"operations": ["read"], "outcome": "partitionKeyRangeGone"}]}""";

        using var put = await http.PutAsync("_emulator/faults", new StringContent(goneOnRead));
        var inProcess = Assert.Throws<FormatException>(() => emulator.Faults.Install(FaultPlan.Parse(goneOnRead)));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("partitionKeyRangeGone (410/1002) must be limited to", await put.Content.ReadAsStringAsync());
        Assert.Contains("rule 0: partitionKeyRangeGone", inProcess.Message);
        Assert.Null(emulator.Faults.Plan);
    }

    [EmbeddedEmulatorFact]
    public async Task The_standalone_emulator_loads_faults_from_a_file_with_the_seed_given_prints_it_and_logs_each_injected_fault()
    {
        File.WriteAllText(planFile, ReadsThrottledOnce.Replace("42", "5"));
        using var standalone = StandaloneEmulatorProcess.Start("--http", "--port", "0", "--faults", planFile, "--seed", "42");
        var connectionString = await standalone.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        using var client = new CosmosClient(connectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });
        var todos = (await (await client.CreateDatabaseAsync("faults")).Database.CreateContainerAsync("todos", "/pk")).Container;
        await todos.CreateItemAsync(new JObject { ["id"] = "a", ["pk"] = "p" }, new PartitionKey("p"));

        var read = await todos.ReadItemAsync<JObject>("a", new PartitionKey("p"));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains($"Faults: 1 rules from {planFile}, seed 42", standalone.Output);
        Assert.Contains("Injected Throttle into GET /dbs/faults/colls/todos/docs/a", standalone.Output);
    }

    [EmbeddedEmulatorFact]
    public async Task The_standalone_emulator_refuses_an_invalid_fault_plan_and_a_seed_without_one()
    {
        File.WriteAllText(planFile, """{"rules": [{"outcome": "partitionKeyRangeGone"}]}""");
        using var invalidPlan = StandaloneEmulatorProcess.Start("--http", "--port", "0", "--faults", planFile);
        using var seedAlone = StandaloneEmulatorProcess.Start("--http", "--port", "0", "--seed", "42");

        var planRefused = await Assert.ThrowsAsync<InvalidOperationException>(() => invalidPlan.WaitUntilListeningAsync(TimeSpan.FromSeconds(60)));
        var seedRefused = await Assert.ThrowsAsync<InvalidOperationException>(() => seedAlone.WaitUntilListeningAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains($"--faults {planFile}: The fault plan is not valid: rule 0: partitionKeyRangeGone", planRefused.Message);
        Assert.Contains("--seed is the seed of a fault plan: it needs --faults FILE.", seedRefused.Message);
    }

    private static HttpClient Control(CosmosEmulatorServer emulator, string? key)
    {
        var http = new HttpClient { BaseAddress = emulator.Endpoint };
        if (key is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }
}
