using System.Net;
using System.Net.Http.Json;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// If-Match and If-None-Match on <c>/api/todos</c> (RFC 9110 §13.1.1–13.1.2) against the list's weak tag: If-Match
/// compares strongly, so only <c>*</c> holds; a write whose condition fails is refused with 412 before it does anything.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ListConditionsTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task A_read_of_the_list_with_if_match_star_is_served_and_with_any_tag_even_the_current_one_is_a_412(string method)
    {
        await client.CreateTodoAsync("""{"title":"listed"}""");
        await fixture.WaitForProjectionsAsync();
        var etag = await ListETagAsync();

        using var star = await SendAsync(new HttpMethod(method), "todos", ("If-Match", "*"));
        using var current = await SendAsync(new HttpMethod(method), "todos", ("If-Match", etag));
        using var strongForm = await SendAsync(new HttpMethod(method), "todos", ("If-Match", etag[2..]));

        Assert.Equal(HttpStatusCode.OK, star.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, current.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, strongForm.StatusCode);
    }

    [Fact]
    public async Task A_failing_if_match_wins_over_a_matching_if_none_match_on_a_read()
    {
        var etag = await ListETagAsync();

        using var response = await SendAsync(HttpMethod.Get, "todos?limit=2", ("If-Match", "\"other\""), ("If-None-Match", etag));

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
    }

    [Theory]
    [InlineData("If-None-Match", "*")]
    [InlineData("If-None-Match", "current")]
    [InlineData("If-Match", "\"stale\"")]
    [InlineData("If-Match", "current")]
    public async Task A_create_whose_condition_fails_on_the_list_is_a_412_and_creates_nothing(string header, string value)
    {
        await client.CreateTodoAsync("""{"title":"already there"}""");
        await fixture.WaitForProjectionsAsync();
        var before = await client.ListTodosAsync();
        var etag = await ListETagAsync();

        using var response = await SendAsync(HttpMethod.Post, "todos", JsonContent.Create(new { title = "conditional" }), (header, value == "current" ? etag : value));

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(before.Length, (await client.ListTodosAsync()).Length);
    }

    [Theory]
    [InlineData("If-None-Match", "*")]
    [InlineData("If-None-Match", "current")]
    [InlineData("If-Match", "\"stale\"")]
    public async Task A_delete_all_whose_condition_fails_on_the_list_is_a_412_and_deletes_nothing(string header, string value)
    {
        await client.CreateTodoAsync("""{"title":"kept"}""");
        await fixture.WaitForProjectionsAsync();
        var before = await client.ListTodosAsync();
        var etag = await ListETagAsync();

        using var response = await SendAsync(HttpMethod.Delete, "todos", null, (header, value == "current" ? etag : value));

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(before.Length, (await client.ListTodosAsync()).Length);
    }

    [Fact]
    public async Task Writes_whose_conditions_hold_on_the_list_go_ahead()
    {
        var stale = await ListETagAsync();
        await client.CreateTodoAsync("""{"title":"moves the tag"}""");

        using var created = await SendAsync(HttpMethod.Post, "todos", JsonContent.Create(new { title = "conditional" }), ("If-Match", "*"), ("If-None-Match", stale));
        using var deleted = await SendAsync(HttpMethod.Delete, "todos", null, ("If-Match", "*"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(deleted.IsSuccessStatusCode, $"delete-all answered {deleted.StatusCode}");
        Assert.Empty(await client.ListTodosAsync());
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, params (string Name, string Value)[] headers) =>
        client.SendWithHeadersAsync(method, url, null, headers);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, HttpContent? content, params (string Name, string Value)[] headers) =>
        client.SendWithHeadersAsync(method, url, content, headers);

    private async Task<string> ListETagAsync()
    {
        using var response = await client.GetAsync("todos");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.ToString();
    }
}
