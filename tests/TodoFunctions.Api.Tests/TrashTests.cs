using System.Net;
using System.Text.Json;
using TodoFunctions.Api.Http;
using TodoFunctions.Local;

namespace TodoFunctions.Api.Tests;

/// <summary><c>GET /api/todos/trash</c>: deleted todos, newest deletion first, paged like the list and read from the read model.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class TrashTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task The_trash_lists_deleted_todos_newest_deletion_first_with_when_each_was_deleted_and_the_version_a_restore_names()
    {
        var deleted = new List<(JsonElement Todo, DateTimeOffset Before, DateTimeOffset After)>();
        foreach (var title in new[] { "first out", "second out", "third out" })
        {
            var todo = await client.CreateTodoAsync($$"""{"title":"{{title}}","order":7}""");
            var before = DateTimeOffset.UtcNow;
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(todo.Url())).StatusCode);
            deleted.Add((todo, before, DateTimeOffset.UtcNow));
        }

        var trash = await TrashAsync();
        var mine = trash.Where(entry => deleted.Any(d => Id(d.Todo) == Id(entry))).ToList();

        Assert.Equal(["third out", "second out", "first out"], mine.Select(entry => entry.GetProperty("title").GetString()));
        var deletedAts = mine.Select(entry => entry.GetProperty("deletedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(deletedAts.OrderDescending(), deletedAts);
        Assert.All(mine, entry =>
        {
            var (todo, before, after) = deleted.Single(d => Id(d.Todo) == Id(entry));
            Assert.InRange(entry.GetProperty("deletedAt").GetDateTimeOffset(), before.AddSeconds(-1), after.AddSeconds(1));
            Assert.Equal(2, entry.GetProperty("version").GetInt64());
            Assert.Equal("\"2\"", entry.GetProperty("etag").GetString());
            Assert.Equal(7, entry.GetProperty("order").GetInt32());
            Assert.False(entry.GetProperty("completed").GetBoolean());
            Assert.Equal($"{todo.Url()}/restore", entry.Url());
        });
        Assert.Equal(Id(deleted[^1].Todo), Id(trash[0]));
    }

    [Fact]
    public async Task A_live_todo_is_never_in_the_trash_and_the_list_never_shows_a_trashed_one()
    {
        var live = await client.CreateTodoAsync("""{"title":"still here"}""");
        var gone = await client.CreateTodoAsync("""{"title":"gone"}""");
        await client.DeleteAsync(gone.Url());

        var trash = (await TrashAsync()).Select(Id).ToList();
        var list = (await client.ListTodosAsync()).Select(Id).ToList();

        Assert.DoesNotContain(Id(live), trash);
        Assert.Contains(Id(gone), trash);
        Assert.Contains(Id(live), list);
        Assert.DoesNotContain(Id(gone), list);
        Assert.Empty(trash.Intersect(list));
    }

    [Fact]
    public async Task A_restored_todo_leaves_the_trash_and_returns_to_the_list()
    {
        var todo = await client.CreateTodoAsync("""{"title":"back soon"}""");
        await client.DeleteAsync(todo.Url());
        Assert.Contains(Id(todo), (await TrashAsync()).Select(Id));

        using var restored = await client.PostAsync($"{todo.Url()}/restore", null);

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.DoesNotContain(Id(todo), (await TrashAsync()).Select(Id));
        Assert.Contains(Id(todo), (await client.ListTodosAsync()).Select(Id));
    }

    [Fact]
    public async Task Following_next_links_with_a_small_limit_walks_every_trashed_todo_exactly_once_in_trash_order()
    {
        for (var i = 0; i < 5; i++) await client.DeleteAsync((await client.CreateTodoAsync($$"""{"title":"paged {{i}}"}""")).Url());
        var bare = (await TrashAsync()).Select(Id).ToList();

        var pages = await client.WalkAsync("todos/trash?limit=2");

        Assert.Equal(bare, pages.SelectMany(page => page.Todos).Select(Id));
        Assert.All(pages[..^1], page => Assert.StartsWith(new Uri(fixture.Host.BaseAddress, "todos/trash?limit=2&cursor=").ToString(), page.Next));
        Assert.All(pages, page => Assert.InRange(page.Todos.Length, 0, 2));
        Assert.Null(pages[^1].Next);
    }

    [Fact]
    public async Task A_list_cursor_is_refused_by_the_trash_and_a_trash_cursor_by_the_list()
    {
        for (var i = 0; i < 4; i++)
        {
            var todo = await client.CreateTodoAsync($$"""{"title":"cursor {{i}}"}""");
            if (i % 2 == 0) await client.DeleteAsync(todo.Url());
        }
        var listNext = (await client.GetPageAsync("todos?limit=1")).Next!;
        var trashNext = (await client.GetPageAsync("todos/trash?limit=1")).Next!;

        using var listCursorOnTrash = await client.GetAsync($"todos/trash?{new Uri(listNext).Query.TrimStart('?')}");
        using var trashCursorOnList = await client.GetAsync($"todos?{new Uri(trashNext).Query.TrimStart('?')}");

        Assert.Matches("^9\\|[0-9]{19}\\|[0-9a-f-]{36}$", ListPages.DecodeCursor(trashNext).GetProperty("after").GetString());
        Assert.Contains("cursor", (await listCursorOnTrash.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Contains("cursor", (await trashCursorOnList.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_trash_carries_a_weak_etag_and_answers_304_to_it_until_something_changes()
    {
        // Commands answer before the projections are done writing (which moves the tag): let them settle first.
        await client.CreateTodoAsync("""{"title":"settled"}""");
        await fixture.WaitForProjectionsAsync();
        using var first = await client.GetAsync("todos/trash");
        var etag = first.Headers.ETag!;

        using var unchanged = await client.SendWithHeadersAsync(HttpMethod.Get, "todos/trash", null, ("If-None-Match", etag.ToString()));
        await client.DeleteAsync((await client.CreateTodoAsync("""{"title":"moves the tag"}""")).Url());
        using var changed = await client.SendWithHeadersAsync(HttpMethod.Get, "todos/trash", null, ("If-None-Match", etag.ToString()));

        Assert.True(etag.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("TRACE")]
    public async Task Other_methods_on_the_trash_are_405_naming_get_head_and_options_not_taken_for_a_todo_id(string method)
    {
        using var response = await client.SendAsync(new HttpMethod(method), "todos/trash");

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal("GET, HEAD, OPTIONS", response.Header("Allow"));
    }

    /// <summary>
    /// The Functions host does not rank literal segments before parameters: it tries routes in the order of their
    /// functions' names (Azure/azure-functions-host#9876). So wherever a parameter of one route could capture a literal
    /// segment of another, the literal route's functions must sort first.
    /// </summary>
    [Fact]
    public void Where_a_route_parameter_could_capture_another_routes_literal_segment_the_literal_routes_functions_sort_first()
    {
        var functions = HttpFunctionEndpoints.Find(typeof(TodoRoutes).Assembly).ToList();
        var overlaps =
            from literal in functions
            from parameter in functions
            where Captures(parameter.Route, literal.Route)
            select (literal.Name, parameter.Name);

        Assert.NotEmpty(overlaps);
        Assert.All(overlaps, pair =>
        {
            Assert.True(string.CompareOrdinal(pair.Item1, pair.Item2) < 0, $"{pair.Item1} must sort before {pair.Item2}");
            Assert.True(StringComparer.InvariantCultureIgnoreCase.Compare(pair.Item1, pair.Item2) < 0, $"{pair.Item1} must sort before {pair.Item2}");
        });
    }

    /// <summary>Whether the template <paramref name="general"/> matches every path of <paramref name="specific"/>, a parameter standing for a literal.</summary>
    private static bool Captures(string general, string specific)
    {
        var (g, s) = (general.Split('/'), specific.Split('/'));
        return g.Length == s.Length
            && g.Zip(s).All(pair => pair.First.StartsWith('{') || string.Equals(pair.First, pair.Second, StringComparison.OrdinalIgnoreCase))
            && g.Zip(s).Any(pair => pair.First.StartsWith('{') && !pair.Second.StartsWith('{'));
    }

    private async Task<JsonElement[]> TrashAsync()
    {
        using var response = await client.GetAsync("todos/trash");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).EnumerateArray()];
    }

    private static string Id(JsonElement todo) => todo.GetProperty("id").GetString()!;
}
