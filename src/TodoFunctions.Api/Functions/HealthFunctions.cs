using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos.Health;

namespace TodoFunctions.Api.Functions;

/// <summary>
/// Health, from the last measurement of <see cref="ProjectionHealthMonitor"/> (no request of its own): the anonymous
/// summary that an availability test and an operator both read, and the operators' detailed view per lease.
/// </summary>
public sealed class HealthFunctions(TodoHttp http, ProjectionHealthMonitor monitor)
{
    [Function("GetHealth")]
    public Task<IActionResult> Summary(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = TodoRoutes.Health)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () => HealthAnswers.Summary(await monitor.CurrentAsync(cancellationToken), monitor.RefreshInterval));

    [Function("GetTodoProjectionHealth")]
    public Task<IActionResult> Detailed(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = TodoRoutes.ProjectionHealth)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () => HealthAnswers.Detailed(await monitor.CurrentAsync(cancellationToken), monitor.RefreshInterval));
}
