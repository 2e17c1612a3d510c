using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Functions;

/// <summary>
/// A todo's history, <c>/api/todos/{id}/events</c>: read straight from the event store, so it outlives the todo; in
/// pages (see <see cref="EventPaging"/>), each linking to the next with <c>Link: rel="next"</c>.
/// </summary>
public sealed class TodoEventFunctions(TodoHttp http, EventStore eventStore)
{
    [Function("ListTodoEvents")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = TodoRoutes.TodoEvents)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var (todoId, paging) = (TodoHttp.TodoId(id), EventPaging.From(request));
            return await eventStore.ReadStreamPageAsync(todoId, paging.FromVersion, paging.Limit, cancellationToken) switch
            {
                null => Problems.TodoNotFound(),
                { NextVersion: { } next } page => TodoAnswers.Events(page.Events).WithHeader(HeaderNames.Link, paging.NextLink(request, todoId, next)),
                var page => TodoAnswers.Events(page.Events),
            };
        });

    [Function("TodoEventsOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "put", "post", "patch", "delete", Route = TodoRoutes.TodoEvents)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "GET, HEAD, OPTIONS")));
}
