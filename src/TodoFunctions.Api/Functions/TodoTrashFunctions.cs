using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Functions;

/// <summary>
/// The trash, <c>/api/todos/trash</c>: deleted todos that can still be restored, newest deletion first, read from the
/// live read container like the list. The functions' names sort before those of <c>/api/todos/{id}</c> on purpose:
/// the Functions host tries routes in the order of their functions' names, not literal before parameter, so this
/// route must come first or <c>{id}</c> would capture "trash" (Azure/azure-functions-host#9876).
/// </summary>
public sealed class TodoTrashFunctions(TodoHttp http, TodoReadModel readModel)
{
    [Function("BrowseTrash")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = TodoRoutes.Trash)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () => await Listings.ReadAsync(
            request, TodoRoutes.Trash, () => readModel.TrashAsync(ReadSessions.Of(request), cancellationToken), todos => TrashAnswers.List(request, todos), cancellationToken));

    [Function("BrowseTrashOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "post", "put", "patch", "delete", Route = TodoRoutes.Trash)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "GET, HEAD, OPTIONS")));
}
