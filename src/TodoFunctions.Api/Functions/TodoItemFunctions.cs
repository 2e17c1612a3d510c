using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Domain;

namespace TodoFunctions.Api.Functions;

/// <summary>One todo, <c>/api/todos/{id}</c>: read it, change it, delete it.</summary>
public sealed class TodoItemFunctions(TodoHttp http, IdempotentCommands commands, TodoReadModel readModel)
{
    [Function("GetTodo")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = TodoRoutes.Todo)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
            await readModel.GetAsync(TodoHttp.TodoId(id), cancellationToken) is { } todo
                ? TodoAnswers.Todo(request, todo)
                : Problems.TodoNotFound());

    [Function("UpdateTodo")]
    public Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = TodoRoutes.Todo)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var todoId = TodoHttp.TodoId(id);
            var (command, key) = await IdempotencyKeys.ReadAsync(request, () => TodoRequestBody.ReadUpdateAsync(request, cancellationToken), cancellationToken);
            var result = await commands.ExecuteAsync(key, todoId, command, TodoHttp.CommandContext(request), cancellationToken);
            return IdempotencyKeys.Answer(TodoAnswers.Updated(request, result.Outcome), result);
        });

    [Function("DeleteTodo")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = TodoRoutes.Todo)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var result = await commands.ExecuteAsync(IdempotencyKeys.Of(request), TodoHttp.TodoId(id), new DeleteTodo(), TodoHttp.CommandContext(request), cancellationToken);
            return IdempotencyKeys.Answer(TodoAnswers.Deleted(result.Outcome), result);
        });

    [Function("TodoOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "put", "post", Route = TodoRoutes.Todo)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "GET, HEAD, PATCH, DELETE, OPTIONS")));
}
