using System.Net;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>The load benchmark's plain-CRUD baseline keeps the Todo-Backend contract it is compared on, conditions included.</summary>
public sealed class CrudBaselineTests(CrudBaselineFixture fixture) : IClassFixture<CrudBaselineFixture>
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task A_patch_naming_a_version_another_patch_replaced_is_refused_with_412_and_the_other_patch_stays()
    {
        using var created = await client.PostAsync("crud/todos", Json("""{"title":"baseline","order":1}"""));
        var url = (await created.ReadJsonAsync()).Url();
        var firstVersion = created.Headers.ETag!.Tag;

        using var first = await client.SendAsync(HttpMethod.Patch, url, Json("""{"completed":true}"""), ifMatch: firstVersion);
        using var lost = await client.SendAsync(HttpMethod.Patch, url, Json("""{"title":"lost update"}"""), ifMatch: firstVersion);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(firstVersion, first.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, lost.StatusCode);
        Assert.Equal("application/problem+json", lost.Content.Headers.ContentType?.MediaType);
        var stored = await (await client.GetAsync(url)).ReadJsonAsync();
        Assert.Equal(("baseline", true, 1), (stored.GetProperty("title").GetString(), stored.GetProperty("completed").GetBoolean(), stored.GetProperty("order").GetInt32()));
    }

    [Fact]
    public async Task A_deleted_todo_answers_404_to_get_patch_and_a_second_delete()
    {
        using var created = await client.PostAsync("crud/todos", Json("""{"title":"short-lived"}"""));
        var url = (await created.ReadJsonAsync()).Url();

        using var deleted = await client.DeleteAsync(url);
        using var read = await client.GetAsync(url);
        using var patched = await client.PatchAsync(url, Json("""{"completed":true}"""));
        using var deletedAgain = await client.DeleteAsync(url);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], [read.StatusCode, patched.StatusCode, deletedAgain.StatusCode]);
    }

    [Fact]
    public async Task A_body_that_is_not_a_todo_is_refused_with_400_problem()
    {
        using var response = await client.PostAsync("crud/todos", Json("""{"title":"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
