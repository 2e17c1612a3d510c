using System.Net;
using System.Text.Json;
using TodoFunctions.Api.Http;
using TodoFunctions.Api.Queues;
using TodoFunctions.Local;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>The local host and the Functions host agree on where the API lives and how its URLs look.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class HostParityTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public void Every_route_carries_the_api_prefix_itself_as_host_json_sets_none_so_no_route_starts_with_the_hosts_reserved_admin()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));

        var routePrefix = hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();

        Assert.Equal("", routePrefix);
        // The Functions host refuses to index a route that starts with "admin" or "runtime" (its own APIs); the web
        // app's catch-all at the site root starts with neither.
        Assert.All(HttpFunctionEndpoints.Find(typeof(TodoRoutes).Assembly).Where(function => function.Route != TodoRoutes.WebApp),
            function => Assert.StartsWith($"{TodoRoutes.Prefix}/", function.Route));
    }

    [Fact]
    public void The_local_host_serves_exactly_the_routes_methods_and_authorization_levels_the_functions_worker_indexes()
    {
        var indexed = Triggers("httpTrigger").Select(trigger =>
            $"{trigger.GetProperty("route").GetString()} {string.Join(",", trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()))} {trigger.GetProperty("authLevel").GetString()}");

        var served = HttpFunctionEndpoints.Find(typeof(TodoRoutes).Assembly).Select(function => $"{function.Route} {string.Join(",", function.Methods!)} {function.AuthLevel}");

        Assert.Equal(indexed.Order(), served.Order());
    }

    [Fact]
    public void The_local_host_runs_exactly_the_queue_triggers_the_functions_worker_indexes()
    {
        var indexed = Triggers("queueTrigger").Select(trigger => $"{trigger.GetProperty("queueName").GetString()} {trigger.GetProperty("connection").GetString()}");

        var run = QueueFunctionTriggers.Find(typeof(TodoRoutes).Assembly).Select(function => $"{function.Queue} {function.Connection}");

        Assert.Equal([$"{ProjectionQueues.RebuildRequests} {ProjectionQueues.ConnectionSetting}"], run);
        Assert.Equal(indexed.Order(), run.Order());
    }

    /// <summary>The trigger bindings of one type in the <c>functions.metadata</c> the Functions worker SDK generates for the Functions host.</summary>
    private static IEnumerable<JsonElement> Triggers(string type)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        return [.. metadata.RootElement.EnumerateArray()
            .SelectMany(function => function.GetProperty("bindings").EnumerateArray())
            .Where(binding => binding.GetProperty("type").GetString() == type)
            .Select(binding => binding.Clone())];
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
