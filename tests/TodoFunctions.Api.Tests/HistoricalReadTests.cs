using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary><c>GET /api/todos/{id}?version=N</c> and <c>?asOf=</c>: the todo as a GET would have answered then, folded from its events.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class HistoricalReadTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Each_version_answers_the_todo_as_it_was_after_that_event_with_that_version_as_etag_and_when_it_was_recorded()
    {
        var todo = await client.CreateTodoAsync("""{"title":"plan","order":1}""");
        await client.PatchAsync(todo.Url(), Json("""{"title":"plan well"}"""));
        await client.PatchAsync(todo.Url(), Json("""{"completed":true}"""));
        await client.PatchAsync(todo.Url(), Json("""{"order":5}"""));
        var events = await client.ListEventsAsync(todo.Url());

        (string Title, bool Completed, int Order)[] expected = [("plan", false, 1), ("plan well", false, 1), ("plan well", true, 1), ("plan well", true, 5)];
        for (var version = 1; version <= expected.Length; version++)
        {
            using var response = await client.GetAsync($"{todo.Url()}?version={version}");
            var past = await response.ReadJsonAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected[version - 1], (past.GetProperty("title").GetString()!, past.GetProperty("completed").GetBoolean(), past.GetProperty("order").GetInt32()));
            Assert.Equal(todo.Url(), past.Url());
            Assert.Equal($"\"{version}\"", response.Header("ETag"));
            Assert.Equal(MementoDatetime(events[version - 1]), response.Header("Memento-Datetime"));
            Assert.Equal($"<{todo.Url()}>; rel=\"original\"", response.Header("Link"));
        }
    }

    [Fact]
    public async Task As_of_a_time_between_two_events_answers_the_earlier_state_and_as_of_the_later_event_the_later_one()
    {
        var todo = await client.CreateTodoAsync("""{"title":"before"}""");
        await Task.Delay(TimeSpan.FromMilliseconds(20));
        await client.PatchAsync(todo.Url(), Json("""{"title":"after"}"""));
        var events = await client.ListEventsAsync(todo.Url());
        var (created, renamed) = (events[0].GetProperty("timestamp").GetDateTimeOffset(), events[1].GetProperty("timestamp").GetDateTimeOffset());
        Assert.True(renamed > created);
        var between = created + (renamed - created) / 2;

        Assert.Equal("before", await TitleAsOfAsync(todo, between.ToString("O")));
        Assert.Equal("before", await TitleAsOfAsync(todo, between.ToOffset(TimeSpan.FromHours(2)).ToString("O")));
        Assert.Equal("before", await TitleAsOfAsync(todo, created.ToString("O")));
        Assert.Equal("after", await TitleAsOfAsync(todo, renamed.ToString("O")));
        Assert.Equal("after", await TitleAsOfAsync(todo, "2999-01-01T00:00:00Z"));
    }

    [Fact]
    public async Task A_version_beyond_the_stream_version_0_a_time_before_creation_and_an_unknown_id_answer_404()
    {
        var todo = await client.CreateTodoAsync("""{"title":"short history"}""");
        await client.PatchAsync(todo.Url(), Json("""{"completed":true}"""));
        var created = (await client.ListEventsAsync(todo.Url()))[0].GetProperty("timestamp").GetDateTimeOffset();

        foreach (var url in new[]
        {
            $"{todo.Url()}?version=3", $"{todo.Url()}?version=0", $"{todo.Url()}?asOf={Uri.EscapeDataString(created.AddTicks(-1).ToString("O"))}",
            $"todos/{Guid.NewGuid()}?version=1", $"todos/{Guid.NewGuid()}?asOf=2999-01-01T00:00:00Z",
        })
        {
            using var response = await client.GetAsync(url);
            await response.AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Theory]
    [InlineData("version=abc", "version")]
    [InlineData("version=-1", "version")]
    [InlineData("version=1.5", "version")]
    [InlineData("version=", "version")]
    [InlineData("version=1&version=2", "version")]
    [InlineData("asOf=2026-12-01", "asOf")]
    [InlineData("asOf=2026-12-01T10:00:00", "asOf")]
    [InlineData("asOf=2026-12-01T10:00:00+01:00", "asOf")]
    [InlineData("asOf=yesterday", "asOf")]
    [InlineData("version=1&asOf=2026-12-01T10:00:00Z", "asOf")]
    public async Task A_malformed_version_or_time_or_both_at_once_answer_400_naming_the_parameter(string query, string parameter)
    {
        var todo = await client.CreateTodoAsync("""{"title":"asked badly"}""");

        using var response = await client.GetAsync($"{todo.Url()}?{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(parameter, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_deleted_todo_is_readable_at_the_versions_before_its_deletion_and_404_at_it()
    {
        var todo = await client.CreateTodoAsync("""{"title":"gone soon"}""");
        await client.PatchAsync(todo.Url(), Json("""{"title":"gone now"}"""));
        await client.DeleteAsync(todo.Url());

        using var beforeDelete = await client.GetAsync($"{todo.Url()}?version=2");
        using var atDelete = await client.GetAsync($"{todo.Url()}?version=3");
        using var afterDelete = await client.GetAsync($"{todo.Url()}?asOf=2999-01-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.OK, beforeDelete.StatusCode);
        Assert.Equal("gone now", (await beforeDelete.ReadJsonAsync()).GetProperty("title").GetString());
        await atDelete.AssertProblemAsync(HttpStatusCode.NotFound);
        await afterDelete.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task If_None_Match_naming_the_version_answers_304_and_If_Match_naming_another_412_on_GET_and_HEAD()
    {
        var todo = await client.CreateTodoAsync("""{"title":"cached"}""");
        await client.PatchAsync(todo.Url(), Json("""{"completed":true}"""));

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var notModified = await client.SendWithHeadersAsync(method, $"{todo.Url()}?version=1", null, ("If-None-Match", "\"1\""));
            using var modified = await client.SendWithHeadersAsync(method, $"{todo.Url()}?version=1", null, ("If-None-Match", "\"2\""));
            using var failed = await client.SendWithHeadersAsync(method, $"{todo.Url()}?version=1", null, ("If-Match", "\"2\""));

            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal("\"1\"", notModified.Header("ETag"));
            Assert.NotNull(notModified.Header("Memento-Datetime"));
            Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
            Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);
        }
    }

    [Fact]
    public async Task At_version_1000_a_1000_event_stream_answers_what_the_live_todo_answers()
    {
        var commands = fixture.Host.Services.GetRequiredService<TodoCommandService>();
        var todo = await client.CreateTodoAsync("""{"title":"busy 1"}""");
        var id = todo.GetProperty("id").GetGuid();
        var noWait = new CommandContext("history", WaitForReadModel: false);
        var completed = false;
        for (var version = 2; version <= 1000; version++)
        {
            var context = version == 1000 ? new CommandContext("history") : noWait;
            TodoCommand change = (version % 3) switch
            {
                0 => new UpdateTodo(Title: $"busy {version}"),
                1 => new UpdateTodo(Completed: completed = !completed),
                _ => new UpdateTodo(Order: version),
            };
            Assert.IsType<CommandOutcome.Succeeded>(await commands.ExecuteAsync(id, change, context, default));
        }

        using var live = await client.GetAsync(todo.Url());
        using var past = await client.GetAsync($"{todo.Url()}?version=1000");

        Assert.Equal("\"1000\"", past.Header("ETag"));
        Assert.Equal(live.Header("ETag"), past.Header("ETag"));
        Assert.Equal(await live.Content.ReadAsStringAsync(), await past.Content.ReadAsStringAsync());
    }

    private async Task<string?> TitleAsOfAsync(JsonElement todo, string asOf)
    {
        using var response = await client.GetAsync($"{todo.Url()}?asOf={Uri.EscapeDataString(asOf)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("title").GetString();
    }

    /// <summary>The event's timestamp as an IMF-fixdate (RFC 9110 §5.6.7), which has whole seconds.</summary>
    private static string MementoDatetime(JsonElement @event) =>
        @event.GetProperty("timestamp").GetDateTimeOffset().UtcDateTime.ToString("R");
}
