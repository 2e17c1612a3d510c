using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;

namespace TodoFunctions.Api.Tests;

/// <summary><c>GET /api/todos/{id}/events?fromVersion=&amp;limit=</c>: a long stream in pages, each linking to the next.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class EventPagingTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task A_250_event_stream_walked_with_limit_100_takes_three_pages_by_Link_and_gets_every_event_once_in_order()
    {
        var todo = await CreateStreamAsync(250);

        var (versions, pages, lastPageLink) = await WalkAsync($"{todo.Url()}/events?limit=100");

        Assert.Equal(Enumerable.Range(1, 250).Select(version => (long)version), versions);
        Assert.Equal([100, 100, 50], pages);
        Assert.Null(lastPageLink);
    }

    [Fact]
    public async Task Without_parameters_the_first_page_holds_100_events_and_links_to_the_next_from_version_101()
    {
        var todo = await CreateStreamAsync(150);

        using var response = await client.GetAsync($"{todo.Url()}/events");
        var events = (await response.ReadJsonAsync()).EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100, events.Count);
        Assert.Equal($"<{todo.Url()}/events?fromVersion=101&limit=100>; rel=\"next\"", response.Header("Link"));
    }

    [Fact]
    public async Task A_page_from_a_version_starts_there_and_one_that_ends_the_stream_has_no_link()
    {
        var todo = await CreateStreamAsync(5);

        using var response = await client.GetAsync($"{todo.Url()}/events?fromVersion=3&limit=3");
        var versions = (await response.ReadJsonAsync()).EnumerateArray().Select(e => e.GetProperty("version").GetInt64());

        Assert.Equal([3L, 4, 5], versions);
        Assert.Null(response.Header("Link"));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("fromVersion=0", "fromVersion")]
    [InlineData("fromVersion=-1", "fromVersion")]
    [InlineData("fromVersion=x", "fromVersion")]
    [InlineData("fromVersion=1&fromVersion=2", "fromVersion")]
    public async Task A_limit_outside_1_to_1000_or_a_malformed_fromVersion_answers_400_naming_it(string query, string parameter)
    {
        var todo = await client.CreateTodoAsync("""{"title":"paged badly"}""");

        using var response = await client.GetAsync($"{todo.Url()}/events?{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(parameter, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_fromVersion_beyond_the_end_of_a_todo_answers_an_empty_page_and_of_an_unknown_todo_404()
    {
        var todo = await client.CreateTodoAsync("""{"title":"short"}""");

        using var beyond = await client.GetAsync($"{todo.Url()}/events?fromVersion=2");
        using var unknown = await client.GetAsync($"todos/{Guid.NewGuid()}/events?fromVersion=2");

        Assert.Equal(HttpStatusCode.OK, beyond.StatusCode);
        Assert.Empty((await beyond.ReadJsonAsync()).EnumerateArray());
        Assert.Null(beyond.Header("Link"));
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>A todo whose stream has <paramref name="length"/> events: created over HTTP, then changed through the command service.</summary>
    private async Task<JsonElement> CreateStreamAsync(int length)
    {
        var commands = fixture.Host.Services.GetRequiredService<TodoCommandService>();
        var todo = await client.CreateTodoAsync("""{"title":"long"}""");
        for (var version = 2; version <= length; version++)
            await commands.ExecuteAsync(todo.GetProperty("id").GetGuid(), new UpdateTodo(Order: version), new CommandContext("paging", WaitForReadModel: false), default);
        return todo;
    }

    /// <summary>Follows <c>Link: rel="next"</c> from <paramref name="url"/> to the last page.</summary>
    private async Task<(List<long> Versions, List<int> Pages, string? LastPageLink)> WalkAsync(string url)
    {
        var (versions, pages) = (new List<long>(), new List<int>());
        while (true)
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.ReadJsonAsync()).EnumerateArray().Select(e => e.GetProperty("version").GetInt64()).ToList();
            versions.AddRange(page);
            pages.Add(page.Count);
            if (response.Header("Link") is not { } link || pages.Count > 10) return (versions, pages, response.Header("Link"));
            url = link.Split('>')[0].TrimStart('<');
        }
    }
}
