using System.Net;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>CORS: any origin may call the API from a browser.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class CorsTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Theory]
    [InlineData("todos", "POST")]
    [InlineData("todos/3f0c5a4e-0000-4000-8000-000000000001", "PATCH")]
    [InlineData("todos/3f0c5a4e-0000-4000-8000-000000000001", "PUT")]
    [InlineData("todos/3f0c5a4e-0000-4000-8000-000000000001/events", "GET")]
    public async Task A_preflight_answers_204_allowing_any_origin_the_api_methods_and_headers(string path, string method)
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.Add("Origin", "https://todobackend.com");
        preflight.Headers.Add("Access-Control-Request-Method", method);
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type, if-match");

        using var response = await client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        var methods = response.Header("Access-Control-Allow-Methods")!.Split(", ");
        Assert.Equal(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], methods);
        var headers = response.Header("Access-Control-Allow-Headers")!.Split(", ");
        Assert.Superset(new HashSet<string>(["Content-Type", "If-Match", "If-None-Match", "Idempotency-Key"]), new HashSet<string>(headers));
    }

    [Fact]
    public async Task Every_response_allows_any_origin_and_exposes_location_and_etag()
    {
        var todo = await client.CreateTodoAsync("""{"title":"cross-origin"}""");
        using var created = await client.PostAsync("todos", Json("""{"title":"cross-origin"}"""));
        using var listed = await client.GetAsync("todos");
        using var fetched = await client.GetAsync(todo.Url());
        using var notFound = await client.GetAsync($"todos/{Guid.NewGuid()}");
        using var invalid = await client.PostAsync("todos", Json("""{"title":""}"""));
        using var deleted = await client.DeleteAsync(todo.Url());

        foreach (var response in new[] { created, listed, fetched, notFound, invalid, deleted })
        {
            Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
            var exposed = response.Header("Access-Control-Expose-Headers")!.Split(", ");
            Assert.Contains("Location", exposed);
            Assert.Contains("ETag", exposed);
        }
    }
}
