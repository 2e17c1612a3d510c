using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos;
using TodoFunctions.Cosmos.Idempotency;

namespace TodoFunctions.Api.Functions;

/// <summary>The todo list, <c>/api/todos</c>: read it, add to it, clear it.</summary>
public sealed class TodoListFunctions(TodoHttp http, IdempotentCommands commands, TodoReadModel readModel)
{
    [Function("ListTodos")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = TodoRoutes.Todos)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () => TodoAnswers.List(request, await readModel.ListAsync(cancellationToken)));

    [Function("CreateTodo")]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = TodoRoutes.Todos)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var (command, key) = await IdempotencyKeys.ReadAsync(request, () => TodoRequestBody.ReadCreateAsync(request, cancellationToken), cancellationToken);
            var result = await commands.CreateAsync(key, command, TodoHttp.CommandContext(request), cancellationToken);
            return IdempotencyKeys.Answer(TodoAnswers.Created(request, result.Outcome), result);
        });

    [Function("DeleteAllTodos")]
    public Task<IActionResult> DeleteAll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = TodoRoutes.Todos)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var result = await commands.DeleteAllAsync(IdempotencyKeys.Of(request), TodoHttp.CommandContext(request), cancellationToken);
            return IdempotencyKeys.Answer(TodoAnswers.AllDeleted(result.Outcome), result);
        });

    [Function("TodoListOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "put", "patch", Route = TodoRoutes.Todos)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "GET, HEAD, POST, DELETE, OPTIONS")));
}
