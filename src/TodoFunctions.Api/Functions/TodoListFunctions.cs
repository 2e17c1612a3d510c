using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
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
        http.Respond(request, async () =>
        {
            var paging = ListPaging.From(request);
            var etag = $"W/\"{await readModel.ListValidatorAsync(cancellationToken)}\"";
            if (IsNotModified(request, etag)) return new HttpAnswer(StatusCodes.Status304NotModified).WithHeader(HeaderNames.ETag, etag);
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

    /// <summary>If-None-Match (a list of tags, or <c>*</c>) names the list's current validator, by weak comparison (RFC 9110 §13.1.2).</summary>
    private static bool IsNotModified(HttpRequest request, string etag) =>
        EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags)
        && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(EntityTagHeaderValue.Parse(etag), useStrongComparison: false));
}
