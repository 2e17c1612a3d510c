using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Functions;

/// <summary>A todo's history, <c>/api/todos/{id}/events</c>: read straight from the event store, so it outlives the todo.</summary>
public sealed class TodoEventFunctions(TodoHttp http, EventStore eventStore)
{
    [Function("ListTodoEvents")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = TodoRoutes.TodoEvents)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
            await eventStore.ReadStreamAsync(TodoHttp.TodoId(id), cancellationToken) is { Count: > 0 } events
                ? TodoAnswers.Events(events)
                : Problems.TodoNotFound());

    [Function("TodoEventsOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "put", "post", "patch", "delete", Route = TodoRoutes.TodoEvents)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "GET, HEAD, OPTIONS")));
}
