using System.Net;
using System.Text.Json;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// <c>PUT /api/todos/{id}</c>: the whole todo, as the Todo-Backend client's "mark all as complete" sends it, decided
/// into the same events as a PATCH of every field.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ReplaceTodoTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Put_replaces_title_completed_and_order_and_a_missing_order_means_none()
    {
        var todo = await client.CreateTodoAsync("""{"title":"walk the dog","order":4}""");

        using var response = await client.PutAsync(todo.Url(), Json("""{"title":"walk the cat","completed":true}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"4\"", response.Headers.ETag?.ToString());
        Assert.Equal("true", response.Header("X-Read-Model-Caught-Up"));
        var fetched = await (await client.GetAsync(todo.Url())).ReadJsonAsync();
        Assert.Equal("walk the cat", fetched.GetProperty("title").GetString());
        Assert.True(fetched.GetProperty("completed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, fetched.GetProperty("order").ValueKind);
    }

    [Fact]
    public async Task Put_appends_the_same_events_as_a_patch_of_every_field()
    {
        var put = await client.CreateTodoAsync("""{"title":"twin","order":1}""");
        var patched = await client.CreateTodoAsync("""{"title":"twin","order":1}""");
        const string whole = """{"title":"twin renamed","completed":true,"order":2}""";

        using var putResponse = await client.PutAsync(put.Url(), Json(whole));
        using var patchResponse = await client.PatchAsync(patched.Url(), Json(whole));

        Assert.Equal(HttpStatusCode.OK, putResponse.StatusCode);
        Assert.Equal(
            (await client.ListEventsAsync(patched.Url())).Select(e => (e.GetProperty("type").GetString(), e.GetProperty("data").GetRawText())),
            (await client.ListEventsAsync(put.Url())).Select(e => (e.GetProperty("type").GetString(), e.GetProperty("data").GetRawText())));
    }

    [Fact]
    public async Task A_put_of_the_todo_as_it_is_appends_nothing_even_with_its_id_and_url()
    {
        var todo = await client.CreateTodoAsync("""{"title":"steady"}""");
        var asReceived = todo.GetRawText();

        using var response = await client.PutAsync(todo.Url(), Json(asReceived));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }

    [Theory]
    [InlineData("""{"completed":true}""", new[] { "title" })]
    [InlineData("""{"title":"half a todo"}""", new[] { "completed" })]
    [InlineData("""{"order":1}""", new[] { "title", "completed" })]
    [InlineData("""{"title":"x","completed":true,"due":"tomorrow"}""", new[] { "due" })]
    public async Task A_put_without_a_whole_todo_answers_400_naming_each_field_and_appends_nothing(string body, string[] fields)
    {
        var todo = await client.CreateTodoAsync("""{"title":"whole"}""");

        using var response = await client.PutAsync(todo.Url(), Json(body));

        await response.AssertValidationProblemAsync(fields);
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }

    [Fact]
    public async Task Put_on_an_unknown_or_deleted_todo_answers_404_since_ids_are_server_generated()
    {
        var deleted = await client.CreateTodoAsync("""{"title":"gone"}""");
        await client.DeleteAsync(deleted.Url());
        var unknown = $"todos/{Guid.NewGuid()}";

        using var onUnknown = await client.PutAsync(unknown, Json("""{"title":"new?","completed":false}"""));
        using var onDeleted = await client.PutAsync(deleted.Url(), Json("""{"title":"back?","completed":false}"""));

        await onUnknown.AssertProblemAsync(HttpStatusCode.NotFound);
        await onDeleted.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{unknown}/events")).StatusCode);
        Assert.Equal(2, (await client.ListEventsAsync(deleted.Url())).Length);
    }

    [Fact]
    public async Task Put_honours_if_match_like_patch()
    {
        var todo = await client.CreateTodoAsync("""{"title":"guarded"}""");

        using var current = await client.SendAsync(HttpMethod.Put, todo.Url(), Json("""{"title":"guarded","completed":true}"""), ifMatch: "\"1\"");
        using var stale = await client.SendAsync(HttpMethod.Put, todo.Url(), Json("""{"title":"late","completed":false}"""), ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal("\"2\"", current.Headers.ETag?.ToString());
        await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("\"2\"", stale.Headers.ETag?.ToString());
        Assert.Equal(2, (await client.ListEventsAsync(todo.Url())).Length);
    }
}
