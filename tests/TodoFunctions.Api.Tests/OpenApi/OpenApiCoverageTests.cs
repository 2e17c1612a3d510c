using System.Net;
using Microsoft.OpenApi;
using TodoFunctions.Api.Http;
using TodoFunctions.Local;

namespace TodoFunctions.Api.Tests.OpenApi;

/// <summary>
/// The OpenAPI document and the function index describe the same API. The rules, for routes added later too:
/// <list type="bullet">
/// <item>a function is an operation: its name is the operationId, its route the path, its methods the operation's (HEAD rides on GET, as RFC 9110 §9.3.2 has it);</item>
/// <item>a function that serves OPTIONS is its path's preflight-and-405 function: those methods are not operations, and the host must refuse each with 405;</item>
/// <item>a route with a catch-all parameter (<c>{*path}</c>) serves the web app's static files, not the API: it is left out.</item>
/// </list>
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class OpenApiCoverageTests(LocalHostFixture fixture)
{
    private static readonly IReadOnlyList<(string Name, string Route, string[] Methods)> Functions =
    [
        .. HttpFunctionEndpoints.Find(typeof(TodoRoutes).Assembly)
            .Where(function => !function.Route.Contains("{*", StringComparison.Ordinal))
            .Select(function => (function.Name, function.Route, function.Methods!.Select(m => m.ToUpperInvariant()).ToArray())),
    ];

    [Fact]
    public async Task The_served_document_is_valid_OpenAPI_3_1()
    {
        var (document, diagnostic) = OpenApiDocument.Parse(await fixture.Client.GetStringAsync("openapi.json"), "json");

        Assert.Empty(diagnostic!.Errors);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        Assert.NotEmpty(document!.Paths);
        Assert.Empty((await OpenApiContract.ReadAsync(fixture.Client)).DanglingReferences());
    }

    [Fact]
    public async Task Every_function_is_a_documented_operation_and_every_documented_operation_is_a_function()
    {
        var contract = await OpenApiContract.ReadAsync(fixture.Client);

        var served = Functions
            .Where(function => !function.Methods.Contains("OPTIONS"))
            .SelectMany(function => function.Methods.Where(method => method != "HEAD").Select(method => $"{method} /{function.Route} {function.Name}"));
        var documented = contract.Operations.Select(operation => $"{operation.Method} {operation.Path} {operation.OperationId}");

        Assert.Equal(served.Order(), documented.Order());
    }

    [Fact]
    public void An_operation_serves_head_only_beside_get()
    {
        var operations = Functions.Where(function => !function.Methods.Contains("OPTIONS"));

        Assert.All(operations.Where(function => function.Methods.Contains("HEAD")), function => Assert.Contains("GET", function.Methods));
    }

    [Fact]
    public async Task A_method_that_is_no_operation_is_refused_with_405_and_an_Allow_of_the_documented_methods()
    {
        var contract = await OpenApiContract.ReadAsync(fixture.Client);
        var refusals = Functions.Where(function => function.Methods.Contains("OPTIONS"));

        Assert.NotEmpty(refusals);
        foreach (var (name, route, methods) in refusals)
        {
            var documented = contract.Operations.Where(operation => operation.Path == "/" + route).Select(operation => operation.Method).ToList();
            var allowed = documented.Contains("GET") ? [.. documented, "HEAD", "OPTIONS"] : documented.Append("OPTIONS");
            foreach (var method in methods.Where(method => method != "OPTIONS"))
            {
                using var response = await fixture.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/" + route.Replace("{id}", Guid.NewGuid().ToString())));

                Assert.True(response.StatusCode == HttpStatusCode.MethodNotAllowed, $"{name}: {method} /{route} answered {(int)response.StatusCode}");
                Assert.Equal(allowed.Order(), response.Content.Headers.Allow.Order());
            }
        }
    }
}
