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
        http.Respond(request, async () => await Listings.ReadAsync(
            request, TodoRoutes.Todos, () => readModel.LiveListAsync(ReadSessions.Of(request), cancellationToken), todos => TodoAnswers.List(request, todos), cancellationToken));

    [Function("CreateTodo")]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = TodoRoutes.Todos)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            await RequireListConditionsAsync(request, cancellationToken);
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
            await RequireListConditionsAsync(request, cancellationToken);
            var result = await commands.DeleteAllAsync(IdempotencyKeys.Of(request), TodoHttp.CommandContext(request), cancellationToken);
            return IdempotencyKeys.Answer(TodoAnswers.AllDeleted(result.Outcome), result);
        });

    /// <summary>
    /// A write to the list goes ahead only if its If-Match and If-None-Match hold for the list's weak tag: strong
    /// comparison makes any If-Match but <c>*</c> fail. The validator costs a read, so only a conditional write pays it.
    /// </summary>
    private async Task RequireListConditionsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!EntityTags.HasConditions(request)) return;
        if (!EntityTags.WriteConditionsHold(request, EntityTags.Weak(await readModel.ListValidatorAsync(cancellationToken))))
            throw new ProblemException(Listings.PreconditionFailed());
    }

    [Function("TodoListOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "put", "patch", Route = TodoRoutes.Todos)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "GET, HEAD, POST, DELETE, OPTIONS")));
}
