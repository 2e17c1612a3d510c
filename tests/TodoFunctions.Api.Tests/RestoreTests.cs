using System.Net;
using System.Text.Json;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary><c>POST /api/todos/{id}/restore</c>: a deleted todo comes back as it was, as a conditional, keyed, read-your-writes write.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class RestoreTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task A_restore_brings_back_title_completion_and_order_at_the_todos_old_list_position_with_the_new_version_as_etag()
    {
        var before = await client.CreateTodoAsync("""{"title":"before it","order":-40000}""");
        var todo = await client.CreateTodoAsync("""{"title":"comes back","order":-40000}""");
        var after = await client.CreateTodoAsync("""{"title":"after it","order":-40000}""");
        await client.PatchAsync(todo.Url(), Json("""{"completed":true}"""));
        await client.DeleteAsync(todo.Url());

        using var restored = await client.PostAsync($"{todo.Url()}/restore", null);
        var body = await restored.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal("\"4\"", restored.Headers.ETag?.ToString());
        Assert.Equal(("comes back", true, -40000, todo.Url()),
            (body.GetProperty("title").GetString(), body.GetProperty("completed").GetBoolean(), body.GetProperty("order").GetInt32(), body.Url()));
        var list = (await client.ListTodosAsync()).Select(listed => listed.Url()).ToList();
        Assert.Equal([before.Url(), todo.Url(), after.Url()], list.Where(url => url == before.Url() || url == todo.Url() || url == after.Url()));
    }

    [Fact]
    public async Task A_restore_answers_once_the_read_model_shows_it_so_an_immediate_get_finds_the_todo()
    {
        var todo = await DeletedTodoAsync("read your restore");

        using var restored = await client.PostAsync($"{todo.Url()}/restore", null);
        using var get = await client.GetAsync(todo.Url());

        Assert.Equal("true", restored.Header("X-Read-Model-Caught-Up"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("\"3\"", get.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task The_events_show_the_restore_and_a_todo_can_be_deleted_and_restored_again()
    {
        var todo = await DeletedTodoAsync("round trip");

        using var first = await client.PostAsync($"{todo.Url()}/restore", null);
        using var deletedAgain = await client.DeleteAsync(todo.Url());
        using var second = await client.PostAsync($"{todo.Url()}/restore", null);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.OK), (first.StatusCode, deletedAgain.StatusCode, second.StatusCode));
        Assert.Equal(
            ["TodoCreated", "TodoDeleted", "TodoRestored", "TodoDeleted", "TodoRestored"],
            (await client.ListEventsAsync(todo.Url())).Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("round trip", (await (await client.GetAsync(todo.Url())).ReadJsonAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_unknown_id_or_one_that_is_not_a_uuid_is_a_404_problem()
    {
        using var unknown = await client.PostAsync($"todos/{Guid.NewGuid()}/restore", null);
        using var notAnId = await client.PostAsync("todos/not-an-id/restore", null);

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        await notAnId.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_live_todo_is_a_409_problem_and_nothing_is_appended()
    {
        var todo = await client.CreateTodoAsync("""{"title":"never deleted"}""");

        using var response = await client.PostAsync($"{todo.Url()}/restore", null);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("not deleted", problem.GetProperty("detail").GetString());
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }

    [Fact]
    public async Task A_stale_if_match_is_412_with_the_trashed_todos_etag_and_the_version_the_trash_shows_succeeds()
    {
        var todo = await client.CreateTodoAsync("""{"title":"conditional"}""");
        await client.PatchAsync(todo.Url(), Json("""{"order":3}"""));
        await client.DeleteAsync(todo.Url());
        var trashed = (await (await client.GetAsync("todos/trash")).ReadJsonAsync()).EnumerateArray().Single(entry => entry.GetProperty("id").GetString() == todo.GetProperty("id").GetString());

        using var stale = await client.SendAsync(HttpMethod.Post, $"{todo.Url()}/restore", ifMatch: "\"2\"");
        using var current = await client.SendAsync(HttpMethod.Post, $"{todo.Url()}/restore", ifMatch: trashed.GetProperty("etag").GetString());

        await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("\"3\"", stale.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal("\"4\"", current.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task A_restore_repeated_with_its_idempotency_key_answers_the_same_200_marked_as_a_replay_and_appends_once()
    {
        var todo = await DeletedTodoAsync("keyed");
        var key = Guid.NewGuid().ToString();

        using var first = await client.SendWithHeadersAsync(HttpMethod.Post, $"{todo.Url()}/restore", null, ("Idempotency-Key", $"\"{key}\""));
        using var repeat = await client.SendWithHeadersAsync(HttpMethod.Post, $"{todo.Url()}/restore", null, ("Idempotency-Key", $"\"{key}\""));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, repeat.StatusCode));
        Assert.Equal((null, "true"), (first.Header("Idempotent-Replayed"), repeat.Header("Idempotent-Replayed")));
        Assert.Equal(first.Headers.ETag, repeat.Headers.ETag);
        Assert.Equal((await first.ReadJsonAsync()).GetRawText(), (await repeat.ReadJsonAsync()).GetRawText());
        Assert.Equal(3, (await client.ListEventsAsync(todo.Url())).Length);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Other_methods_on_a_restore_are_405_naming_post_and_options(string method)
    {
        using var response = await client.SendAsync(new HttpMethod(method), $"todos/{Guid.NewGuid()}/restore");

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal("POST, OPTIONS", response.Header("Allow"));
    }

    private async Task<JsonElement> DeletedTodoAsync(string title)
    {
        var todo = await client.CreateTodoAsync($$"""{"title":"{{title}}"}""");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(todo.Url())).StatusCode);
        return todo;
    }
}
