using System.Net;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary><c>GET /api/todos/{id}/events</c>: the todo's stream, read from the event store.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class EventStreamTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Events_are_listed_in_stream_order_with_type_version_data_and_timestamp_also_after_deletion()
    {
        var todo = await client.CreateTodoAsync("""{"title":"plan"}""");
        await client.PatchAsync(todo.Url(), Json("""{"title":"plan well","completed":true,"order":2}"""));
        await client.DeleteAsync(todo.Url());

        var events = await client.ListEventsAsync(todo.Url());

        Assert.Equal(
            ["TodoCreated", "TodoTitleUpdated", "TodoCompleted", "TodoOrderUpdated", "TodoDeleted"],
            events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal("plan", events[0].GetProperty("data").GetProperty("title").GetString());
        Assert.Equal("plan well", events[1].GetProperty("data").GetProperty("title").GetString());
        Assert.All(events, e => Assert.True(e.GetProperty("timestamp").GetDateTimeOffset() > DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_appends_no_event()
    {
        var todo = await client.CreateTodoAsync("""{"title":"steady","order":1}""");

        using var response = await client.PatchAsync(todo.Url(), Json("""{"title":"steady","completed":false,"order":1}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }

    [Fact]
    public async Task Events_carry_the_correlation_id_sent_with_the_request_and_the_response_echoes_it()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "todos") { Content = Json("""{"title":"traced"}""") };
        request.Headers.Add("X-Correlation-Id", "trace-me-42");

        using var response = await client.SendAsync(request);
        var todo = await response.ReadJsonAsync();

        Assert.Equal("trace-me-42", response.Header("X-Correlation-Id"));
        Assert.Equal("trace-me-42", (await client.ListEventsAsync(todo.Url()))[0].GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task A_request_without_a_correlation_id_gets_one()
    {
        using var response = await client.GetAsync("todos");

        Assert.False(string.IsNullOrWhiteSpace(response.Header("X-Correlation-Id")));
    }

    [Fact]
    public async Task The_events_of_a_todo_that_never_existed_answer_404()
    {
        using var response = await client.GetAsync($"todos/{Guid.NewGuid()}/events");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
