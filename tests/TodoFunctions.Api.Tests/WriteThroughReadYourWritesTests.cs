using System.Net;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

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

    [Fact]
    public async Task On_another_instance_a_conditional_list_get_with_the_writes_session_token_is_not_answered_not_modified()
    {
        using var first = await hosts.Writer.PostAsync("todos", Json("""{"title":"listed first"}"""));
        await Task.Delay(StalledProjectorLaggingReplicasFixture.ReplicaLag);
        using var before = await hosts.Other.GetAsync("todos");
        using var second = await hosts.Writer.PostAsync("todos", Json("""{"title":"listed second"}"""));

        using var listed = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, "todos", null,
            ("If-None-Match", before.Headers.ETag!.ToString()), (SessionToken, second.Header(SessionToken)!));

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains((await listed.ReadJsonAsync()).EnumerateArray(), todo => todo.GetProperty("title").GetString() == "listed second");
    }

    [Fact]
    public async Task A_session_token_of_another_read_container_or_build_is_ignored()
    {
        using var created = await hosts.Writer.PostAsync("todos", Json("""{"title":"only in the live container"}"""));
        var path = TodoPath(await created.ReadJsonAsync());
        var (container, build, _) = Parts(created.Header(SessionToken)!);

        // Ahead of every replica of the live container: read with it, this would be a 503.
        foreach (var foreign in new[] { $"{container}-b/{build}/0:-1#{long.MaxValue}", $"{container}/{build + 1}/0:-1#{long.MaxValue}" })
        {
            using var fetched = await hosts.Writer.SendWithHeadersAsync(HttpMethod.Get, path, null, (SessionToken, foreign));
            Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        }
    }

    [Fact]
    public async Task A_session_token_ahead_of_every_replica_answers_503_with_retry_after_not_404()
    {
        using var created = await hosts.Writer.PostAsync("todos", Json("""{"title":"behind the token"}"""));
        var path = TodoPath(await created.ReadJsonAsync());
        var (container, build, _) = Parts(created.Header(SessionToken)!);
        var ahead = $"{container}/{build}/0:-1#{long.MaxValue}";

        using var fetched = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, path, null, (SessionToken, ahead));
        using var listed = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, "todos", null, (SessionToken, ahead));

        foreach (var response in new[] { fetched, listed })
        {
            await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(response.Headers.RetryAfter);
        }
    }

    [Fact]
    public async Task A_write_sent_a_session_token_answers_one_covering_both_per_partition_key_range()
    {
        using var created = await hosts.Writer.PostAsync("todos", Json("""{"title":"merged"}"""));
        var path = TodoPath(await created.ReadJsonAsync());
        var (container, build, own) = Parts(created.Header(SessionToken)!);
        var bound = $"{container}/{build}/";

        using var behindOnOurRange = await hosts.Writer.SendWithHeadersAsync(HttpMethod.Patch, path, Json("""{"completed":true}"""), (SessionToken, $"{bound}0:-1#1,7:-1#4"));
        using var aheadOnOurRange = await hosts.Writer.SendWithHeadersAsync(HttpMethod.Patch, path, Json("""{"completed":false}"""), (SessionToken, $"{bound}0:-1#{long.MaxValue}"));
        using var ofAnotherContainer = await hosts.Writer.SendWithHeadersAsync(HttpMethod.Patch, path, Json("""{"completed":true}"""), (SessionToken, $"{container}-b/{build}/7:-1#4"));

        var merged = Parts(behindOnOurRange.Header(SessionToken)!).CosmosToken.Split(',');
        Assert.Equal(["0", "7:-1#4"], [merged[0].Split(':')[0], merged[1]]);
        Assert.NotEqual(own, merged[0]);
        Assert.Equal($"{bound}0:-1#{long.MaxValue}", aheadOnOurRange.Header(SessionToken));
        Assert.DoesNotContain("7:-1#4", ofAnotherContainer.Header(SessionToken));
    }

    [Fact]
    public async Task A_historical_read_does_not_validate_the_session_token_it_does_not_use()
    {
        using var created = await hosts.Writer.PostAsync("todos", Json("""{"title":"as it was"}"""));
        var path = TodoPath(await created.ReadJsonAsync());

        using var historical = await hosts.Writer.SendWithHeadersAsync(HttpMethod.Get, $"{path}?version=1", null, (SessionToken, "garbage"));

        Assert.Equal(HttpStatusCode.OK, historical.StatusCode);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("0:-1#12")]
    [InlineData("todo-view/1/0:-1#")]
    [InlineData("todo-view/1/0:-1#12,")]
    [InlineData("todo-view/1/0:-1#99999999999999999999")]
    [InlineData("todo-view/1/0:-1#9223372036854775808")]
    [InlineData("todo-view/1/0:99999999999999999999")]
    [InlineData("todo-view/1/0:-1#5#1=99999999999999999999")]
    [InlineData("todo-view/1/0:-1#5#1=-5")]
    [InlineData("todo-view/1/0:-2#5")]
    [InlineData("todo-view/99999999999/0:-1#1")]
    [InlineData("todo view/1/0:-1#1")]
    public async Task A_malformed_session_token_is_a_400_problem(string token)
    {
        using var fetched = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, $"todos/{Guid.NewGuid()}", null, (SessionToken, token));
        using var listed = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, "todos", null, (SessionToken, token));

        foreach (var response in new[] { fetched, listed }) await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_well_formed_session_token_is_accepted_up_to_2048_characters_and_refused_beyond()
    {
        var atLimit = "todo-view/1/0:-1#1";
        var range = 1;
        for (; atLimit.Length < 2025; range++) atLimit += $",{range}:-1#1";
        atLimit += $",{range}:-1#".PadRight(2048 - atLimit.Length, '0');

        using var accepted = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, $"todos/{Guid.NewGuid()}", null, (SessionToken, atLimit));
        using var refused = await hosts.Other.SendWithHeadersAsync(HttpMethod.Get, $"todos/{Guid.NewGuid()}", null, (SessionToken, atLimit + "0"));

        Assert.Equal((2048, HttpStatusCode.NotFound), (atLimit.Length, accepted.StatusCode));
        await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private static string TodoPath(System.Text.Json.JsonElement todo) => new Uri(todo.Url()).PathAndQuery.TrimStart('/')["api/".Length..];

    private static (string Container, int Build, string CosmosToken) Parts(string token) =>
        token.Split('/') is [var container, var build, var cosmosToken] ? (container, int.Parse(build), cosmosToken) : throw new FormatException(token);
}
