using System.Net;
using System.Text.Json;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>A todo's <c>dueDate</c> over HTTP: a calendar day as <c>"YYYY-MM-DD"</c>, or none.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class DueDateTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task A_due_date_given_at_creation_is_shown_by_the_todo_and_stored_in_TodoCreated_v2()
    {
        var created = await client.CreateTodoAsync("""{"title":"file the taxes","dueDate":"2027-04-15"}""");

        Assert.Equal("2027-04-15", created.GetProperty("dueDate").GetString());
        Assert.Equal("2027-04-15", (await (await client.GetAsync(created.Url())).ReadJsonAsync()).GetProperty("dueDate").GetString());
        var creation = Assert.Single(await client.ListEventsAsync(created.Url()));
        Assert.Equal(("TodoCreated", 2, "2027-04-15"),
            (creation.GetProperty("type").GetString(), creation.GetProperty("schemaVersion").GetInt32(), creation.GetProperty("data").GetProperty("dueDate").GetString()));
    }

    [Fact]
    public async Task A_todo_without_a_due_date_shows_none()
    {
        var created = await client.CreateTodoAsync("""{"title":"some day"}""");

        Assert.False(created.TryGetProperty("dueDate", out _));
    }

    [Theory]
    [InlineData("\"2027-13-01\"")]
    [InlineData("\"15/01/2027\"")]
    [InlineData("\"2027-01-15T00:00:00Z\"")]
    [InlineData("20270115")]
    [InlineData("\"\"")]
    public async Task A_due_date_that_is_not_a_calendar_date_or_null_is_a_400_naming_dueDate(string dueDate)
    {
        var todo = await client.CreateTodoAsync("""{"title":"checked"}""");

        using var post = await client.PostAsync("todos", Json($$"""{"title":"x","dueDate":{{dueDate}}}"""));
        using var patch = await client.PatchAsync(todo.Url(), Json($$"""{"dueDate":{{dueDate}}}"""));

        foreach (var response in new[] { post, patch })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            var error = Assert.Single(problem.GetProperty("errors").EnumerateObject());
            Assert.Equal("dueDate", error.Name);
            Assert.Contains("\"YYYY-MM-DD\"", error.Value[0].GetString());
        }
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }

    [Fact]
    public async Task Patch_of_the_due_date_appends_TodoDueDateChanged_and_null_clears_it()
    {
        var todo = await client.CreateTodoAsync("""{"title":"walk the dog"}""");

        using var set = await client.PatchAsync(todo.Url(), Json("""{"dueDate":"2027-01-15"}"""));
        using var again = await client.PatchAsync(todo.Url(), Json("""{"dueDate":"2027-01-15"}"""));
        using var cleared = await client.PatchAsync(todo.Url(), Json("""{"dueDate":null}"""));

        Assert.Equal("2027-01-15", (await set.ReadJsonAsync()).GetProperty("dueDate").GetString());
        Assert.False((await cleared.ReadJsonAsync()).TryGetProperty("dueDate", out _));
        Assert.Equal(
            [("TodoCreated", 2, "null"), ("TodoDueDateChanged", 1, "\"2027-01-15\""), ("TodoDueDateChanged", 1, "null")],
            (await client.ListEventsAsync(todo.Url())).Select(e =>
                (e.GetProperty("type").GetString(), e.GetProperty("schemaVersion").GetInt32(), e.GetProperty("data").GetProperty("dueDate").GetRawText())));
    }

    [Fact]
    public async Task Put_without_a_due_date_clears_it_as_it_clears_the_order()
    {
        var todo = await client.CreateTodoAsync("""{"title":"walk the dog","dueDate":"2027-01-15"}""");

        using var response = await client.PutAsync(todo.Url(), Json("""{"title":"walk the dog","completed":false}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await (await client.GetAsync(todo.Url())).ReadJsonAsync()).TryGetProperty("dueDate", out _));
        Assert.Equal("TodoDueDateChanged", (await client.ListEventsAsync(todo.Url())).Last().GetProperty("type").GetString());
    }
}
