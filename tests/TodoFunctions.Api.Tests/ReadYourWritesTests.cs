using System.Net;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>Read-your-writes: a write answers once the read model shows it, so any GET after it sees it.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class ReadYourWritesTests(LocalHostFixture fixture)
{
    private const string CaughtUp = "X-Read-Model-Caught-Up";

    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task A_get_right_after_each_write_sees_it()
    {
        for (var round = 0; round < 5; round++)
        {
            using var created = await client.PostAsync("todos", Json($$"""{"title":"round {{round}}"}"""));
            var url = (await created.ReadJsonAsync()).Url();
            Assert.Contains(await client.ListTodosAsync(), todo => todo.Url() == url);

            using var patched = await client.PatchAsync(url, Json("""{"completed":true}"""));
            Assert.True((await (await client.GetAsync(url)).ReadJsonAsync()).GetProperty("completed").GetBoolean());

            using var deleted = await client.DeleteAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(url)).StatusCode);

            Assert.All(new[] { created, patched, deleted }, write => Assert.Equal("true", write.Header(CaughtUp)));
        }
    }

    [Fact]
    public async Task A_write_that_opts_out_of_waiting_is_stored_and_answered_without_confirming_the_read_model()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "todos") { Content = Json("""{"title":"no wait"}""") };
        request.Headers.Add("X-Wait-For-Read-Model", "false");

        using var created = await client.SendAsync(request);
        var url = (await created.ReadJsonAsync()).Url();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("false", created.Header(CaughtUp));
        Assert.Single(await client.ListEventsAsync(url));
    }

    [Fact]
    public async Task Delete_all_answers_once_the_list_is_empty()
    {
        for (var count = 0; count < 3; count++) await client.CreateTodoAsync("""{"title":"to clear"}""");

        using var response = await client.DeleteAsync("todos");

        Assert.Equal("true", response.Header(CaughtUp));
        Assert.Empty(await client.ListTodosAsync());
    }
}

/// <summary>When the read model misses the bound, or Cosmos DB throttles, answers stay honest and never a bare 500.</summary>
public sealed class StrainedHostTests(StrainedLocalHostFixture fixture) : IClassFixture<StrainedLocalHostFixture>
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task A_write_the_read_model_misses_within_the_bound_still_succeeds_with_the_write_side_state_and_says_so()
    {
        using var created = await client.PostAsync("todos", Json("""{"title":"durable","order":1}"""));
        var todo = await created.ReadJsonAsync();
        using var patched = await client.PatchAsync(todo.Url(), Json("""{"completed":true}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("false", created.Header("X-Read-Model-Caught-Up"));
        Assert.Equal("durable", todo.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("false", patched.Header("X-Read-Model-Caught-Up"));
        Assert.True((await patched.ReadJsonAsync()).GetProperty("completed").GetBoolean());
        Assert.Equal("\"2\"", patched.Headers.ETag?.ToString());
        Assert.Equal(2, (await client.ListEventsAsync(todo.Url())).Length);
    }

    [Fact]
    public async Task Throttling_beyond_the_retry_budget_answers_503_with_retry_after()
    {
        fixture.Throttle.ReadModelThrottled = true;
        try
        {
            using var listed = await client.GetAsync("todos");
            using var fetched = await client.GetAsync($"todos/{Guid.NewGuid()}");

            foreach (var response in new[] { listed, fetched })
            {
                await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
                Assert.Equal(TimeSpan.FromMilliseconds(CosmosThrottle.RetryAfterMilliseconds), response.Headers.RetryAfter?.Delta);
            }
        }
        finally
        {
            fixture.Throttle.ReadModelThrottled = false;
        }
    }

    [Fact]
    public async Task A_write_that_keeps_losing_the_append_race_answers_503_with_retry_after_and_appends_nothing()
    {
        var todo = await client.CreateTodoAsync("""{"title":"contended"}""");
        fixture.Throttle.AppendsConflict = true;
        try
        {
            using var patched = await client.PatchAsync(todo.Url(), Json("""{"title":"never stored"}"""));

            await patched.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(patched.Headers.RetryAfter?.Delta);
        }
        finally
        {
            fixture.Throttle.AppendsConflict = false;
        }
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }
}
