using System.Net;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Local;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// Two local hosts on one emulator whose projector never sees a write (every change feed read of the events container
/// fails) and whose replicas lag: a reader without a recent enough session token sees the data as it was seconds ago.
/// Whatever the write path shows, it shows by itself.
/// </summary>
public sealed class StalledProjectorLaggingReplicasFixture : IAsyncLifetime
{
    public static readonly TimeSpan ReplicaLag = TimeSpan.FromSeconds(3);

    private readonly StorageEndpoint storage = new();
    private CosmosEmulatorServer emulator = null!;
    private LocalHost writer = null!;
    private LocalHost other = null!;

    /// <summary>The host that serves the writes.</summary>
    public HttpClient Writer { get; private set; } = null!;

    /// <summary>Another instance of the app: its own Cosmos client has never seen the writer's session.</summary>
    public HttpClient Other { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await storage.InitializeAsync();
        emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { ReplicaLag = ReplicaLag });
        emulator.Faults.Install(new FaultPlan
        {
            Seed = 12,
            Rules = [new FaultRule { Operations = [FaultOperation.ChangeFeed], Container = TodoStoreLayout.EventsContainer, Outcome = FaultOutcome.ServiceUnavailable }],
        });
        // The first creates the database and containers; the second must find them, which a lagging replica hides for a while.
        writer = await StartHostAsync("writer");
        await Task.Delay(ReplicaLag);
        other = await StartHostAsync("other");
        Writer = new HttpClient { BaseAddress = writer.BaseAddress };
        Other = new HttpClient { BaseAddress = other.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Writer.Dispose();
        Other.Dispose();
        await writer.DisposeAsync();
        await other.DisposeAsync();
        await emulator.DisposeAsync();
        await storage.DisposeAsync();
    }

    private Task<LocalHost> StartHostAsync(string instance) => LocalHost.StartAsync(new LocalHostOptions
    {
        Urls = "http://127.0.0.1:0",
        Settings = new Dictionary<string, string?>(storage.Settings)
        {
            [TodoStoreLayout.ConnectionSettingName] = emulator.ConnectionString,
            ["TodoStore:InstanceName"] = instance,
            // Well below the lag, so a write the projector would have to show answers "not caught up" long before the lag passes.
            ["TodoStore:ReadYourWritesTimeout"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "None",
        },
    });
}

/// <summary>Read-your-writes that does not wait for the change feed: the command writes its todo's read document itself.</summary>
public sealed class WriteThroughReadYourWritesTests(StalledProjectorLaggingReplicasFixture hosts) : IClassFixture<StalledProjectorLaggingReplicasFixture>
{
    private const string CaughtUp = "X-Read-Model-Caught-Up";
    private const string SessionToken = "X-Session-Token";

    [Fact]
    public async Task With_the_projector_stalled_every_kind_of_write_answers_caught_up_and_the_next_get_shows_it()
    {
        var client = hosts.Writer;
        using var created = await client.PostAsync("todos", Json("""{"title":"walk the dog","order":2}"""));
        var url = (await created.ReadJsonAsync()).Url();
        Assert.Contains(await client.ListTodosAsync(), todo => todo.Url() == url);

        using var patched = await client.PatchAsync(url, Json("""{"completed":true}"""));
        Assert.True((await (await client.GetAsync(url)).ReadJsonAsync()).GetProperty("completed").GetBoolean());

        using var replaced = await client.PutAsync(url, Json("""{"title":"walk the cat","completed":false,"order":1}"""));
        Assert.Equal("walk the cat", (await (await client.GetAsync(url)).ReadJsonAsync()).GetProperty("title").GetString());

        using var deleted = await client.DeleteAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(url)).StatusCode);

        using var restored = await client.PostAsync($"{url}/restore", null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);

        Assert.All(new[] { created, patched, replaced, deleted, restored }, write =>
        {
            Assert.True(write.IsSuccessStatusCode);
            Assert.Equal("true", write.Header(CaughtUp));
            Assert.NotNull(write.Header(SessionToken));
        });
    }

    [Fact]
    public async Task A_write_that_opts_out_of_waiting_does_not_write_the_read_document()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "todos") { Content = Json("""{"title":"no wait"}""") };
        request.Headers.Add("X-Wait-For-Read-Model", "false");

        using var created = await hosts.Writer.SendAsync(request);

        Assert.Equal(("false", null), (created.Header(CaughtUp), created.Header(SessionToken)));
        Assert.Equal(HttpStatusCode.NotFound, (await hosts.Writer.GetAsync((await created.ReadJsonAsync()).Url())).StatusCode);
    }

    [Fact]
    public async Task A_patch_after_a_post_that_did_not_wait_answers_caught_up_and_the_next_get_shows_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "todos") { Content = Json("""{"title":"no wait"}""") };
        request.Headers.Add("X-Wait-For-Read-Model", "false");
        using var created = await hosts.Writer.SendAsync(request);
        var url = (await created.ReadJsonAsync()).Url();

        using var patched = await hosts.Writer.PatchAsync(url, Json("""{"title":"then waited"}"""));

        Assert.Equal("true", patched.Header(CaughtUp));
        Assert.Equal("then waited", (await (await hosts.Writer.GetAsync(url)).ReadJsonAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task On_another_instance_behind_a_lagging_replica_a_get_with_the_writes_session_token_sees_it_and_one_without_does_not()
    {
        using var created = await hosts.Writer.PostAsync("todos", Json("""{"title":"seen elsewhere"}"""));
        var path = new Uri((await created.ReadJsonAsync()).Url()).PathAndQuery.TrimStart('/')["api/".Length..];
        var token = created.Header(SessionToken)!;

        using var withoutToken = await hosts.Other.GetAsync(path);
        using var withToken = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, path, null, (SessionToken, token));
        using var listed = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, "todos", null, (SessionToken, token));

        Assert.Equal(HttpStatusCode.NotFound, withoutToken.StatusCode);
        Assert.Equal("seen elsewhere", (await withToken.ReadJsonAsync()).GetProperty("title").GetString());
        Assert.Contains((await listed.ReadJsonAsync()).EnumerateArray(), todo => todo.GetProperty("title").GetString() == "seen elsewhere");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("0:-1#")]
    [InlineData("0:-1#12,")]
    public async Task A_malformed_session_token_is_a_400_problem(string token)
    {
        using var fetched = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, $"todos/{Guid.NewGuid()}", null, (SessionToken, token));
        using var listed = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, "todos", null, (SessionToken, token));
        using var tooLong = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, "todos", null, (SessionToken, string.Join(',', Enumerable.Repeat("0:-1#12", 400))));

        foreach (var response in new[] { fetched, listed, tooLong }) await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
