using System.Net;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// ETag, If-Match and If-None-Match (RFC 9110 §13.1.1–13.1.2, evaluated in §13.2.2's order): the stream version
/// exposed as optimistic concurrency and as a validator for clients.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ConditionalRequestTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Every_todo_response_carries_its_stream_version_as_a_strong_etag()
    {
        using var created = await client.PostAsync("todos", Json("""{"title":"versioned"}"""));
        var url = (await created.ReadJsonAsync()).Url();
        using var fetched = await client.GetAsync(url);
        using var patched = await client.PatchAsync(url, Json("""{"title":"versioned twice","completed":true}"""));

        Assert.Equal("\"1\"", created.Headers.ETag?.ToString());
        Assert.Equal("\"1\"", fetched.Headers.ETag?.ToString());
        Assert.Equal("\"3\"", patched.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Head_of_a_todo_answers_like_get_without_a_body()
    {
        var todo = await client.CreateTodoAsync("""{"title":"headed"}""");

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, todo.Url()));
        using var missing = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"todos/{Guid.NewGuid()}"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("\"1\"", head.Headers.ETag?.ToString());
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Patch_with_the_current_etag_applies_and_answers_the_next_one()
    {
        var todo = await client.CreateTodoAsync("""{"title":"guarded"}""");

        using var response = await client.SendAsync(HttpMethod.Patch, todo.Url(), Json("""{"completed":true}"""), ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Patch_with_a_stale_if_match_answers_412_with_the_current_etag_and_appends_nothing()
    {
        var todo = await client.CreateTodoAsync("""{"title":"contested"}""");
        await client.PatchAsync(todo.Url(), Json("""{"title":"changed by someone else"}"""));

        using var response = await client.SendAsync(HttpMethod.Patch, todo.Url(), Json("""{"title":"mine"}"""), ifMatch: "\"1\"");

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
        Assert.Equal(2, (await client.ListEventsAsync(todo.Url())).Length);
    }

    [Fact]
    public async Task Delete_with_a_stale_if_match_answers_412_and_the_todo_stays()
    {
        var todo = await client.CreateTodoAsync("""{"title":"contested"}""");
        await client.PatchAsync(todo.Url(), Json("""{"completed":true}"""));

        using var response = await client.SendAsync(HttpMethod.Delete, todo.Url(), ifMatch: "\"1\"");

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(todo.Url())).StatusCode);
    }

    [Fact]
    public async Task Delete_with_the_current_etag_deletes()
    {
        var todo = await client.CreateTodoAsync("""{"title":"guarded"}""");

        using var response = await client.SendAsync(HttpMethod.Delete, todo.Url(), ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(todo.Url())).StatusCode);
    }

    [Fact]
    public async Task If_match_star_applies_whatever_the_version()
    {
        var todo = await client.CreateTodoAsync("""{"title":"anything goes"}""");

        using var response = await client.SendAsync(HttpMethod.Patch, todo.Url(), Json("""{"completed":true}"""), ifMatch: "*");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("W/\"1\"")]
    [InlineData("1")]
    [InlineData("\"one\"")]
    public async Task An_if_match_that_names_no_version_answers_412_and_appends_nothing(string ifMatch)
    {
        var todo = await client.CreateTodoAsync("""{"title":"guarded"}""");

        using var response = await client.SendAsync(HttpMethod.Patch, todo.Url(), Json("""{"completed":true}"""), ifMatch);

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }

    [Theory]
    [InlineData("\"7\", \"1\"")]
    [InlineData("\"1\", W/\"7\"")]
    [InlineData("\"9\", \"8\", \"1\"")]
    public async Task An_if_match_list_applies_when_any_member_is_the_current_etag(string ifMatch)
    {
        var todo = await client.CreateTodoAsync("""{"title":"listed"}""");

        using var response = await client.SendAsync(HttpMethod.Patch, todo.Url(), Json("""{"completed":true}"""), ifMatch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
    }

    [Theory]
    [InlineData("\"7\", \"8\"")]
    [InlineData("W/\"1\", \"2\"")]
    public async Task An_if_match_list_without_the_current_etag_answers_412_with_the_current_etag(string ifMatch)
    {
        var todo = await client.CreateTodoAsync("""{"title":"listed"}""");

        using var response = await client.SendAsync(HttpMethod.Delete, todo.Url(), ifMatch: ifMatch);

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }

    [Theory]
    [InlineData("PATCH", "*")]
    [InlineData("PUT", "*")]
    [InlineData("DELETE", "*")]
    [InlineData("PATCH", "\"2\"")]
    [InlineData("GET", "*")]
    public async Task Any_if_match_on_a_deleted_todo_answers_412_since_it_has_no_current_representation(string method, string ifMatch)
    {
        var todo = await client.CreateTodoAsync("""{"title":"gone"}""");
        await client.DeleteAsync(todo.Url());

        using var response = await client.SendAsync(new HttpMethod(method), todo.Url(), BodyFor(method), ifMatch);

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Null(response.Headers.ETag);
        Assert.Equal(2, (await client.ListEventsAsync(todo.Url())).Length);
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task If_match_star_on_a_todo_that_never_existed_answers_412_and_stores_nothing(string method)
    {
        var url = $"todos/{Guid.NewGuid()}";

        using var response = await client.SendAsync(new HttpMethod(method), url, BodyFor(method), ifMatch: "*");

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        using var events = await client.GetAsync($"{url}/events");
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
    }

    [Theory]
    [InlineData("GET", "\"1\"")]
    [InlineData("GET", "W/\"1\"")]
    [InlineData("GET", "\"5\", W/\"1\"")]
    [InlineData("GET", "*")]
    [InlineData("HEAD", "\"1\"")]
    [InlineData("HEAD", "W/\"1\", \"5\"")]
    [InlineData("HEAD", "*")]
    public async Task If_none_match_naming_the_current_etag_by_weak_comparison_answers_304_with_the_etag_and_no_body(string method, string ifNoneMatch)
    {
        var todo = await client.CreateTodoAsync("""{"title":"cached"}""");

        using var response = await SendConditionalAsync(new HttpMethod(method), todo.Url(), ("If-None-Match", ifNoneMatch), ("X-Correlation-Id", "cached-read"));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("cached-read", response.Header("X-Correlation-Id"));
    }

    [Theory]
    [InlineData("GET", "\"2\"")]
    [InlineData("GET", "W/\"2\", \"3\"")]
    [InlineData("GET", "garbage")]
    [InlineData("HEAD", "\"2\"")]
    public async Task If_none_match_without_the_current_etag_answers_200(string method, string ifNoneMatch)
    {
        var todo = await client.CreateTodoAsync("""{"title":"changed"}""");

        using var response = await SendConditionalAsync(new HttpMethod(method), todo.Url(), ("If-None-Match", ifNoneMatch));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task If_none_match_star_on_a_missing_todo_answers_404()
    {
        using var response = await SendConditionalAsync(HttpMethod.Get, $"todos/{Guid.NewGuid()}", ("If-None-Match", "*"));

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_get_evaluates_if_match_before_if_none_match()
    {
        var todo = await client.CreateTodoAsync("""{"title":"ordered"}""");

        using var failing = await SendConditionalAsync(HttpMethod.Get, todo.Url(), ("If-Match", "\"5\""), ("If-None-Match", "\"1\""));
        using var holding = await SendConditionalAsync(HttpMethod.Get, todo.Url(), ("If-Match", "\"1\""), ("If-None-Match", "\"1\""));

        await failing.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("\"1\"", failing.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.NotModified, holding.StatusCode);
    }

    [Fact]
    public async Task If_none_match_star_on_put_answers_412_for_an_existing_todo_and_404_for_a_missing_one()
    {
        var todo = await client.CreateTodoAsync("""{"title":"exists"}""");

        using var existing = await SendConditionalAsync(HttpMethod.Put, todo.Url(), Json("""{"title":"replaced","completed":true}"""), ("If-None-Match", "*"));
        using var missing = await SendConditionalAsync(HttpMethod.Put, $"todos/{Guid.NewGuid()}", Json("""{"title":"created?","completed":true}"""), ("If-None-Match", "*"));

        await existing.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("\"1\"", existing.Headers.ETag?.ToString());
        Assert.Single(await client.ListEventsAsync(todo.Url()));
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("\"1\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("W/\"1\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("\"3\", \"4\"", HttpStatusCode.OK)]
    public async Task If_none_match_with_tags_on_a_write_answers_412_when_one_names_the_current_version(string ifNoneMatch, HttpStatusCode expected)
    {
        var todo = await client.CreateTodoAsync("""{"title":"guarded"}""");

        using var response = await SendConditionalAsync(HttpMethod.Patch, todo.Url(), Json("""{"completed":true}"""), ("If-None-Match", ifNoneMatch));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK ? 2 : 1, (await client.ListEventsAsync(todo.Url())).Length);
    }

    private static StringContent? BodyFor(string method) => method switch
    {
        "PATCH" => Json("""{"completed":true}"""),
        "PUT" => Json("""{"title":"replaced","completed":true}"""),
        _ => null,
    };

    private Task<HttpResponseMessage> SendConditionalAsync(HttpMethod method, string url, params (string Name, string Value)[] headers) =>
        SendConditionalAsync(method, url, null, headers);

    private Task<HttpResponseMessage> SendConditionalAsync(HttpMethod method, string url, HttpContent? content, params (string Name, string Value)[] headers) =>
        client.SendWithHeadersAsync(method, url, content, headers);
}
