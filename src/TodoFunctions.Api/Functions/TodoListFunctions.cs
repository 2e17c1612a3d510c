using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
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
        http.Respond(request, async () =>
        {
            var paging = ListPaging.From(request);
            var etag = $"W/\"{await readModel.ListValidatorAsync(cancellationToken)}\"";
            if (!EntityTags.NoneMatch(request, etag)) return new HttpAnswer(StatusCodes.Status304NotModified).WithHeader(HeaderNames.ETag, etag);
            if (paging is null) return TodoAnswers.List(request, await readModel.ListAsync(cancellationToken)).WithHeader(HeaderNames.ETag, etag);
            var page = await readModel.ListPageAsync(paging.Limit, paging.Continuation, cancellationToken);
            var answer = TodoAnswers.List(request, page.Todos).WithHeader(HeaderNames.ETag, etag);
            return page.Continuation is { } next ? answer.WithHeader(HeaderNames.Link, paging.NextLink(request, next)) : answer;
        });

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
