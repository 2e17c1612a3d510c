using System.Net;
using System.Text.Json;

namespace TodoFunctions.Api.Tests;

/// <summary><c>GET /api/todos?limit=N</c>: pages in the list's order behind an opaque cursor, next to the bare Todo-Backend array.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class PagedListTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData("")]
    public async Task A_limit_outside_1_to_1000_or_not_a_whole_number_is_a_400_problem(string limit)
    {
        using var response = await client.GetAsync($"todos?limit={limit}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("limit", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_limits_1_and_1000_are_served()
    {
        await client.CreateTodoAsync("""{"title":"one"}""");

        Assert.Single((await client.GetPageAsync("todos?limit=1")).Todos);
        Assert.NotEmpty((await client.GetPageAsync("todos?limit=1000")).Todos);
    }

    [Theory]
    [InlineData("not*base64url")]
    [InlineData("bm90IGpzb24")] // "not json"
    [InlineData("eyJGb3JtYXQiOjJ9")] // {"Format":2}
    public async Task A_cursor_that_does_not_decode_is_a_400_problem(string cursor)
    {
        using var response = await client.GetAsync($"todos?limit=2&cursor={cursor}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("cursor", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"v":2,"limit":2,"after":"garbage"}""")]
    [InlineData("""{"v":2,"limit":2,"after":"9"}""")]
    [InlineData("""{"v":2,"limit":2,"after":"0|123|x"}""")]
    [InlineData("""{"v":2,"limit":2,"after":null}""")]
    [InlineData("""{"v":2,"limit":"two","after":"1|0000000000000000001|00000000-0000-0000-0000-000000000000"}""")]
    [InlineData("""{"Format":1,"Limit":2,"Token":"[{\"compositeToken\":\"x\",\"orderByItems\":[{\"item\":\"0|\"}],\"rid\":\"nope\",\"skipCount\":0}]"}""")]
    public async Task A_cursor_whose_position_inside_is_not_a_list_position_is_a_400_problem(string json)
    {
        await SeedAsync(3);

        using var response = await client.GetAsync($"todos?limit=2&cursor={ListPages.EncodeCursor(json)}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("cursor", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_next_link_carries_the_limit_and_the_last_todos_list_position_in_a_small_cursor()
    {
        await SeedAsync(3);

        var next = (await client.GetPageAsync("todos?limit=2")).Next!;
        var cursor = ListPages.DecodeCursor(next);

        Assert.Equal(2, cursor.GetProperty("v").GetInt32());
        Assert.Equal(2, cursor.GetProperty("limit").GetInt32());
        Assert.Matches("^[01]\\|[0-9|]+\\|[0-9a-f-]{36}$", cursor.GetProperty("after").GetString());
        Assert.InRange(new Uri(next).Query.Length, 1, 200);
    }

    [Fact]
    public async Task Following_next_links_walks_the_bare_list_in_order_and_the_last_page_has_no_link()
    {
        await client.DeleteAsync("todos");
        await SeedAsync(7);
        var bare = (await client.ListTodosAsync()).Select(todo => todo.Url()).ToList();

        var pages = await client.WalkAsync("todos?limit=3");

        Assert.Equal(bare, pages.SelectMany(page => page.Todos).Select(todo => todo.Url()));
        Assert.All(pages, page => Assert.InRange(page.Todos.Length, 0, 3));
        Assert.All(pages[..^1], page => Assert.StartsWith(new Uri(fixture.Host.BaseAddress, "todos?limit=3&cursor=").ToString(), page.Next));
        Assert.Null(pages[^1].Next);
    }

    [Fact]
    public async Task A_cursor_without_a_limit_keeps_the_limit_it_was_issued_with()
    {
        await client.DeleteAsync("todos");
        await SeedAsync(7);
        var next = (await client.GetPageAsync("todos?limit=2")).Next!;

        var second = await client.GetPageAsync($"todos?{new Uri(next).Query.Split('&').Single(part => part.StartsWith("cursor="))}");

        Assert.Equal(2, second.Todos.Length);
        Assert.Contains("limit=2&", second.Next);
    }

    [Fact]
    public async Task The_bare_list_orders_by_order_over_the_whole_int_range_then_ties_and_todos_without_order_by_creation()
    {
        await client.DeleteAsync("todos");
        foreach (var body in new[]
        {
            """{"title":"max","order":2147483647}""", """{"title":"no order 1"}""", """{"title":"tie 1","order":0}""",
            """{"title":"min","order":-2147483648}""", """{"title":"no order 2"}""", """{"title":"tie 2","order":0}""",
            """{"title":"minus one","order":-1}""",
        })
            await client.CreateTodoAsync(body);

        var titles = (await client.ListTodosAsync()).Select(todo => todo.GetProperty("title").GetString());

        Assert.Equal(["min", "minus one", "tie 1", "tie 2", "max", "no order 1", "no order 2"], titles);
    }

    [Fact]
    public async Task A_todo_whose_order_changes_moves_to_its_new_place_in_the_list()
    {
        await client.DeleteAsync("todos");
        var first = await client.CreateTodoAsync("""{"title":"first","order":1}""");
        await client.CreateTodoAsync("""{"title":"second","order":2}""");
        using var patched = await client.PatchAsync(first.Url(), HttpExtensions.Json("""{"order":3}"""));

        var titles = (await client.GetPageAsync("todos?limit=10")).Todos.Select(todo => todo.GetProperty("title").GetString());

        Assert.Equal(["second", "first"], titles);
    }

    private async Task SeedAsync(int count)
    {
        for (var i = 0; i < count; i++)
            await client.CreateTodoAsync(i % 3 == 0 ? $$"""{"title":"todo {{i}}"}""" : $$"""{"title":"todo {{i}}","order":{{i % 2}}}""");
    }
}
