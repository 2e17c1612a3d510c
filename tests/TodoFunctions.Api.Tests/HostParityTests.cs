using System.Net;
using System.Text.Json;
using TodoFunctions.Api.Http;
using TodoFunctions.Local;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>The local host and the Functions host agree on where the API lives and how its URLs look.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class HostParityTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public void Host_json_sets_the_route_prefix_the_api_builds_its_urls_with()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));

        var routePrefix = hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();

        Assert.Equal(TodoRoutes.Prefix, routePrefix);
    }

    [Fact]
    public void The_local_host_serves_exactly_the_routes_and_methods_the_functions_worker_indexes()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        var indexed = metadata.RootElement.EnumerateArray()
            .Select(function => function.GetProperty("bindings").EnumerateArray().Single(binding => binding.GetProperty("type").GetString() == "httpTrigger"))
            .Select(trigger => $"{trigger.GetProperty("route").GetString()} {string.Join(",", trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()))}");

        var served = HttpFunctionEndpoints.Find(typeof(TodoRoutes).Assembly).Select(function => $"{function.Route} {string.Join(",", function.Methods!)}");

        Assert.Equal(indexed.Order(), served.Order());
    }

    [Fact]
    public async Task Urls_follow_the_scheme_and_host_a_proxy_forwards()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "todos") { Content = Json("""{"title":"behind a proxy"}""") };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "todos.example.com, internal-hop");

        using var response = await client.SendAsync(request);
        var todo = await response.ReadJsonAsync();

        Assert.Equal($"https://todos.example.com/api/todos/{todo.GetProperty("id").GetString()}", todo.Url());
        Assert.Equal(todo.Url(), response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Urls_use_the_host_the_request_was_sent_to()
    {
        var todo = await client.CreateTodoAsync("""{"title":"direct"}""");

        Assert.StartsWith($"{fixture.Host.BaseAddress}todos/", todo.Url());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(todo.Url())).StatusCode);
    }
}
