using System.Net;
using TodoFunctions.Local;

namespace TodoFunctions.Api.Tests;

/// <summary>The admin API is never anonymous: like the Functions host, the local host requires the function key.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AdminAuthorizationTests(LocalHostFixture fixture)
{
    public static TheoryData<string, string> AdminEndpoints => new()
    {
        { "GET", "admin/projections/todos" },
        { "GET", "admin/projections/todos/parked" },
        { "POST", $"admin/projections/todos/parked/{Guid.NewGuid()}/retry" },
        { "POST", "admin/projections/todos/rebuild" },
        { "POST", "admin/projections/todos/rebuild/cancel" },
    };

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task An_admin_request_without_the_key_answers_401_problem_and_changes_nothing(string method, string path)
    {
        using var response = await fixture.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var status = await (await fixture.AdminClient.GetAsync("admin/projections/todos")).ReadJsonAsync();
        Assert.False(status.GetProperty("rebuildInProgress").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task An_admin_request_with_a_wrong_key_answers_401(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add(FunctionKey.Header, LocalHostFixture.AdminKey + "x");

        using var response = await fixture.Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_key_is_accepted_in_the_x_functions_key_header_and_in_the_code_query_parameter()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "admin/projections/todos/parked");
        request.Headers.Add(FunctionKey.Header, LocalHostFixture.AdminKey);

        using var withHeader = await fixture.Client.SendAsync(request);
        using var withQuery = await fixture.Client.GetAsync($"admin/projections/todos?{FunctionKey.QueryParameter}={LocalHostFixture.AdminKey}");

        Assert.Equal(HttpStatusCode.OK, withHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withQuery.StatusCode);
        Assert.Equal(1, (await withQuery.ReadJsonAsync()).GetProperty("liveVersion").GetInt32());
    }

    [Fact]
    public async Task The_todo_api_stays_anonymous()
    {
        using var response = await fixture.Client.GetAsync("todos");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Retrying_a_todo_that_is_not_parked_answers_404()
    {
        var todo = await fixture.Client.CreateTodoAsync("""{"title":"projects fine"}""");

        using var response = await fixture.AdminClient.PostAsync($"admin/projections/todos/parked/{todo.GetProperty("id").GetString()}/retry", null);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
