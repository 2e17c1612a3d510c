using System.Net;
using System.Net.Http.Headers;
using TodoFunctions.Api.Http;
using TodoFunctions.Local;

namespace TodoFunctions.WebApp.Tests;

/// <summary>The web app's files at <c>/</c>, over plain HTTP: content types, revalidation, and nothing served beyond them.</summary>
[Collection(WebAppCollection.Name)]
public sealed class WebAppServingTests(WebAppFixture fixture)
{
    private readonly HttpClient client = new() { BaseAddress = fixture.AppAddress };

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/index.html", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    public async Task Each_file_is_served_with_its_content_type_and_a_validator_checked_on_every_use(string path, string mediaType)
    {
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));

        using var revalidation = new HttpRequestMessage(HttpMethod.Get, path);
        revalidation.Headers.IfNoneMatch.Add(response.Headers.ETag);
        using var revalidated = await client.SendAsync(revalidation);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task Head_answers_the_headers_of_the_page_without_its_body()
    {
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/missing.js")]
    [InlineData("/TodoFunctions.Api.dll")]
    [InlineData("/host.json")]
    [InlineData("/%2E%2E/.playwright/package/index.js")]
    [InlineData("/..%2F.playwright%2Fpackage%2Findex.js")]
    [InlineData("/web/index.html")]
    [InlineData("/api/nothing-here")]
    [InlineData("/api/index.html")]
    public async Task A_path_that_is_not_one_of_the_apps_files_answers_the_apis_404_problem(string path)
    {
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_api_keeps_its_paths_under_the_catch_all_route()
    {
        using var response = await client.GetAsync("/api/todos");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The Functions host tries routes in the order of their functions' names (Azure/azure-functions-host#9876).</summary>
    [Fact]
    public void The_catch_all_function_sorts_after_every_other_function_so_the_functions_host_tries_it_last()
    {
        var functions = HttpFunctionEndpoints.Find(typeof(TodoRoutes).Assembly).ToList();
        var catchAll = functions.Single(function => function.Route == TodoRoutes.WebApp).Name;

        Assert.All(functions.Where(function => function.Name != catchAll), function =>
        {
            Assert.True(string.CompareOrdinal(function.Name, catchAll) < 0, $"{function.Name} must sort before {catchAll}");
            Assert.True(StringComparer.InvariantCultureIgnoreCase.Compare(function.Name, catchAll) < 0, $"{function.Name} must sort before {catchAll}");
        });
    }
}
