using System.Net;
using System.Text.Json;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>The Todo-Backend behaviours: what its reference specs and clients rely on.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class TodoBackendTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task A_posted_todo_appears_in_the_list()
    {
        var todo = await client.CreateTodoAsync("""{"title":"walk the dog"}""");

        var listed = await client.ListTodosAsync();

        Assert.Contains(listed, item => item.Url() == todo.Url() && item.GetProperty("title").GetString() == "walk the dog");
    }

    [Fact]
    public async Task Post_answers_201_with_an_open_todo_whose_absolute_url_is_the_location()
    {
        using var response = await client.PostAsync("todos", Json("""{"title":"walk the dog"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var todo = await response.ReadJsonAsync();
        var id = Guid.Parse(todo.GetProperty("id").GetString()!);
        Assert.Equal("walk the dog", todo.GetProperty("title").GetString());
        Assert.False(todo.GetProperty("completed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, todo.GetProperty("order").ValueKind);
        Assert.Equal(new Uri(fixture.Host.BaseAddress, $"todos/{id}"), new Uri(todo.Url()));
        Assert.Equal(todo.Url(), response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Post_takes_completed_and_order_when_given()
    {
        var todo = await client.CreateTodoAsync("""{"title":"done already","completed":true,"order":7}""");

        Assert.True(todo.GetProperty("completed").GetBoolean());
        Assert.Equal(7, todo.GetProperty("order").GetInt32());
    }

    [Fact]
    public async Task Following_the_url_of_a_todo_returns_it()
    {
        var todo = await client.CreateTodoAsync("""{"title":"follow me","order":3}""");

        using var response = await client.GetAsync(todo.Url());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fetched = await response.ReadJsonAsync();
        Assert.Equal(todo.GetRawText(), fetched.GetRawText());
    }

    [Fact]
    public async Task Patch_then_refetch_through_the_url_shows_the_change()
    {
        var todo = await client.CreateTodoAsync("""{"title":"before"}""");

        using var patched = await client.PatchAsync(todo.Url(), Json("""{"title":"after","completed":true}"""));
        var refetched = await (await client.GetAsync(todo.Url())).ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var answered = await patched.ReadJsonAsync();
        foreach (var representation in new[] { answered, refetched })
        {
            Assert.Equal("after", representation.GetProperty("title").GetString());
            Assert.True(representation.GetProperty("completed").GetBoolean());
        }
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_it_names()
    {
        var todo = await client.CreateTodoAsync("""{"title":"keep me","order":4}""");

        using var patched = await client.PatchAsync(todo.Url(), Json("""{"completed":true}"""));

        var answered = await patched.ReadJsonAsync();
        Assert.Equal("keep me", answered.GetProperty("title").GetString());
        Assert.Equal(4, answered.GetProperty("order").GetInt32());
        Assert.True(answered.GetProperty("completed").GetBoolean());
    }

    [Fact]
    public async Task Order_is_tracked_through_patches_and_cleared_by_null()
    {
        var todo = await client.CreateTodoAsync("""{"title":"movable","order":10}""");

        var moved = await (await client.PatchAsync(todo.Url(), Json("""{"order":95}"""))).ReadJsonAsync();
        var refetched = await (await client.GetAsync(todo.Url())).ReadJsonAsync();
        var cleared = await (await client.PatchAsync(todo.Url(), Json("""{"order":null}"""))).ReadJsonAsync();

        Assert.Equal(95, moved.GetProperty("order").GetInt32());
        Assert.Equal(95, refetched.GetProperty("order").GetInt32());
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("order").ValueKind);
    }

    [Fact]
    public async Task Delete_answers_204_and_the_todo_leaves_the_list()
    {
        var todo = await client.CreateTodoAsync("""{"title":"short-lived"}""");

        using var deleted = await client.DeleteAsync(todo.Url());

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain(await client.ListTodosAsync(), item => item.Url() == todo.Url());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(todo.Url())).StatusCode);
    }

    [Fact]
    public async Task Delete_all_answers_204_and_leaves_an_empty_list()
    {
        await client.CreateTodoAsync("""{"title":"one"}""");
        await client.CreateTodoAsync("""{"title":"two"}""");

        using var response = await client.DeleteAsync("todos");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await client.ListTodosAsync());
    }

    [Fact]
    public async Task The_list_is_sorted_by_order_then_todos_without_order_in_creation_order()
    {
        await client.DeleteAsync("todos");
        foreach (var body in new[]
        {
            """{"title":"c","order":2}""", """{"title":"x"}""", """{"title":"b","order":1}""",
            """{"title":"y"}""", """{"title":"a","order":-5}""",
        })
            await client.CreateTodoAsync(body);

        var titles = (await client.ListTodosAsync()).Select(todo => todo.GetProperty("title").GetString());

        Assert.Equal(["a", "b", "c", "x", "y"], titles);
    }
}
