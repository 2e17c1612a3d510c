using System.Net;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>ETag and If-Match: the stream version exposed as optimistic concurrency for clients.</summary>
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
}
