using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Api.WebApp;

namespace TodoFunctions.Api.Functions;

/// <summary>The web app at <c>/</c>: its static files, and the API's 404 problem for any other path no function serves.</summary>
public sealed class WebAppFunctions(TodoHttp http, WebAppFiles files)
{
    /// <summary>
    /// Named to sort after every other function: the Functions host tries routes in the order of their functions'
    /// names (Azure/azure-functions-host#9876), and this catch-all route would otherwise take their paths.
    /// </summary>
    [Function("WebAppFiles")]
    public Task<IActionResult> Serve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = TodoRoutes.WebApp)] HttpRequest request,
        string? path) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(files.Answer(path) ?? Problems.NoSuchResource()));
}
