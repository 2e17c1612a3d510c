using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Domain;

namespace TodoFunctions.Api.Functions;

/// <summary>One todo, <c>/api/todos/{id}</c>: read it, change or replace it, delete it.</summary>
public sealed class TodoItemFunctions(TodoHttp http, IdempotentCommands commands, TodoReadModel readModel, TodoHistory history)
{
    /// <summary>
    /// Evaluates If-Match, then If-None-Match, as RFC 9110 §13.2.2 orders them, against the read model's version; with
    /// <c>?version=</c> or <c>?asOf=</c>, the todo as it was then (<see cref="HistoricalReads"/>).
    /// </summary>
    [Function("GetTodo")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = TodoRoutes.Todo)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            if (HistoricalReads.Requested(request)) return await HistoricalReads.AnswerAsync(request, history, TodoHttp.TodoId(id), cancellationToken);
            var todo = await readModel.GetAsync(TodoHttp.TodoId(id), ReadSessions.Of(request), cancellationToken);
            var currentEtag = todo is null ? null : EntityTags.For(todo.Version);
            if (!EntityTags.Match(request, currentEtag)) return Problems.ForRefusal(new CommandOutcome.PreconditionFailed(todo?.Version));
            if (todo is null) return Problems.TodoNotFound();
            return EntityTags.NoneMatch(request, currentEtag) ? TodoAnswers.Todo(request, todo) : TodoAnswers.NotModified(todo);
        });

    [Function("UpdateTodo")]
    public Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = TodoRoutes.Todo)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () => await ApplyAsync(request, id, () => TodoRequestBody.ReadUpdateAsync(request, cancellationToken), cancellationToken));

    /// <summary>Decided as a PATCH of every field, so a PUT appends the same events and one that changes nothing appends none.</summary>
    [Function("ReplaceTodo")]
    public Task<IActionResult> Replace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = TodoRoutes.Todo)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () => await ApplyAsync(request, id, () => TodoRequestBody.ReadReplaceAsync(request, cancellationToken), cancellationToken));

    [Function("DeleteTodo")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = TodoRoutes.Todo)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var result = await commands.ExecuteAsync(IdempotencyKeys.Of(request), TodoHttp.TodoId(id), new DeleteTodo(), TodoHttp.CommandContext(request), cancellationToken);
            return IdempotencyKeys.Answer(TodoAnswers.Deleted(request, result.Outcome), result);
        });

    [Function("TodoOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "post", Route = TodoRoutes.Todo)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "GET, HEAD, PUT, PATCH, DELETE, OPTIONS")));

    private async Task<IActionResult> ApplyAsync(HttpRequest request, string id, Func<Task<UpdateTodo>> readBody, CancellationToken cancellationToken)
    {
        var todoId = TodoHttp.TodoId(id);
        var (command, key) = await IdempotencyKeys.ReadAsync(request, readBody, cancellationToken);
        var result = await commands.ExecuteAsync(key, todoId, command, TodoHttp.CommandContext(request), cancellationToken);
        return IdempotencyKeys.Answer(TodoAnswers.Updated(request, result.Outcome), result);
    }
}
