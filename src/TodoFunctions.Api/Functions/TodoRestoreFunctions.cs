using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Domain;

namespace TodoFunctions.Api.Functions;

/// <summary>
/// <c>POST /api/todos/{id}/restore</c>: brings a todo back from the trash as it was, like any other write: If-Match
/// (naming the trashed todo's version), Idempotency-Key and read-your-writes apply.
/// </summary>
public sealed class TodoRestoreFunctions(TodoHttp http, IdempotentCommands commands)
{
    [Function("RestoreTodo")]
    public Task<IActionResult> Restore(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = TodoRoutes.TodoRestore)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var result = await commands.ExecuteAsync(IdempotencyKeys.Of(request), TodoHttp.TodoId(id), new RestoreTodo(), TodoHttp.CommandContext(request), cancellationToken);
            return IdempotencyKeys.Answer(TodoAnswers.Updated(request, result.Outcome), result);
        });

    [Function("TodoRestoreOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "get", "head", "put", "patch", "delete", Route = TodoRoutes.TodoRestore)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "POST, OPTIONS")));
}
