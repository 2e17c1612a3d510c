using System.Net;

namespace TodoFunctions.Api.Tests;

/// <summary>The list's validator and a page walk across a rebuild: on a local host of its own, since a rebuild switches the whole read model.</summary>
public sealed class ListValidatorRebuildTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task A_rebuild_switch_changes_the_list_etag_and_the_rebuilt_list_is_stable_again()
    {
        for (var i = 0; i < 5; i++) await client.CreateTodoAsync($$"""{"title":"before the rebuild {{i}}","order":{{i}}}""");
        var before = await ListETagAsync(ifNoneMatch: null);
        var liveVersion = (await StatusAsync()).GetProperty("liveVersion").GetInt32();

        using var accepted = await fixture.AdminClient.PostAsync("admin/projections/todos/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await Eventually.ReadAsync(StatusAsync, status => status.GetProperty("liveVersion").GetInt32() > liveVersion, "the rebuild to switch");
        var after = await Eventually.ReadAsync(() => ListETagAsync(before), etag => etag != before, "a list read from the rebuilt container");
        using var unchanged = await GetIfNoneMatchAsync(after);

        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
    }

    [Fact]
    public async Task A_walk_that_crosses_a_rebuild_switch_still_returns_every_todo_once()
    {
        for (var i = 0; i < 5; i++) await client.CreateTodoAsync($$"""{"title":"walked across the rebuild {{i}}"}""");
        var everyTodo = (await client.ListTodosAsync()).Select(todo => todo.Url()).ToList();
        var liveVersion = (await StatusAsync()).GetProperty("liveVersion").GetInt32();
        var rebuilt = false;

        var pages = await client.WalkAsync("todos?limit=2", async () =>
        {
            if (rebuilt) return;
            using var accepted = await fixture.AdminClient.PostAsync("admin/projections/todos/rebuild", null);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            await Eventually.ReadAsync(StatusAsync, status => status.GetProperty("liveVersion").GetInt32() > liveVersion, "the rebuild to switch");
            rebuilt = true;
        });

        Assert.True(rebuilt);
        Assert.Equal(everyTodo, pages.SelectMany(page => page.Todos).Select(todo => todo.Url()));
    }

    private async Task<string> ListETagAsync(string? ifNoneMatch)
    {
        using var response = await GetIfNoneMatchAsync(ifNoneMatch);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotModified, $"the list answered {response.StatusCode}");
        return response.Headers.ETag!.ToString();
    }

    private Task<HttpResponseMessage> GetIfNoneMatchAsync(string? ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "todos");
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return client.SendAsync(request);
    }

    private async Task<System.Text.Json.JsonElement> StatusAsync()
    {
        using var response = await fixture.AdminClient.GetAsync("admin/projections/todos");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}
