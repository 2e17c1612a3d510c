using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Functions;

/// <summary>The todo list, <c>/api/todos</c>: read it, add to it, clear it.</summary>
public sealed class TodoListFunctions(TodoHttp http, TodoCommandService commands, TodoReadModel readModel)
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
            var command = await TodoRequestBody.ReadCreateAsync(request, cancellationToken);
            var outcome = await commands.CreateAsync(command, TodoHttp.CommandContext(request), cancellationToken);
            return TodoAnswers.Created(request, outcome);
        });

    [Function("DeleteAllTodos")]
    public Task<IActionResult> DeleteAll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = TodoRoutes.Todos)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () => TodoAnswers.AllDeleted(await commands.DeleteAllAsync(TodoHttp.CommandContext(request), cancellationToken)));

    [Function("TodoListOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "put", "patch", Route = TodoRoutes.Todos)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "GET, HEAD, POST, DELETE, OPTIONS")));
}
