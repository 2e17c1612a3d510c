using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos.Purge;

namespace TodoFunctions.Api.Functions;

/// <summary>A todo in the trash, <c>/api/todos/trash/{id}</c>: purged for good, its title masked wherever it was stored.</summary>
public sealed class TodoPurgeFunctions(TodoHttp http, TodoPurge purge)
{
    /// <summary>204 once purged and masked; 404 for an unknown todo or one purged before (its masking finished again); 409 for a live one.</summary>
    [Function("PurgeTodo")]
    public Task<IActionResult> Purge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = TodoRoutes.TrashedTodo)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var result = await purge.PurgeAsync(IdempotencyKeys.Of(request), TodoHttp.TodoId(id), TodoHttp.CommandContext(request), cancellationToken);
            return IdempotencyKeys.Answer(TodoAnswers.Deleted(request, result.Outcome), result);
        });

    [Function("TrashedTodoOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "get", "head", "post", "put", "patch", Route = TodoRoutes.TrashedTodo)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "DELETE, OPTIONS")));
}
