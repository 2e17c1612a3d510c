using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Http;

/// <summary>The API's successful answers: the Todo-Backend representation with its ETag and Location.</summary>
internal static class TodoAnswers
{
    /// <summary>On every write: <c>false</c> when the read-your-writes bound passed before the read model caught up.</summary>
    public const string ReadModelCaughtUpHeader = "X-Read-Model-Caught-Up";

    /// <summary>
    /// On a parked todo: <c>parked-at-version=N</c>. The answer shows the todo's last state the projector could apply;
    /// the event at version N and any after it wait for an operator (see the admin API), so the todo may be newer.
    /// </summary>
    public const string StaleHeader = "X-Read-Model-Stale";

    public static HttpAnswer Todo(HttpRequest request, TodoView todo, int status = StatusCodes.Status200OK) =>
        Validated(new HttpAnswer(status, Representation(request, todo)), todo);

    /// <summary>304 to a GET whose If-None-Match names the todo: no body, but the headers its 200 would carry.</summary>
    public static HttpAnswer NotModified(TodoView todo) => Validated(new HttpAnswer(StatusCodes.Status304NotModified), todo);

    public static HttpAnswer List(HttpRequest request, IReadOnlyList<TodoView> todos) =>
        new(StatusCodes.Status200OK, todos.Select(todo => Representation(request, todo)).ToList());

    public static HttpAnswer Events(IReadOnlyList<RecordedEvent> events) =>
        new(StatusCodes.Status200OK, events.Select(e => new EventRepresentation(e.Version, e.Type, e.SchemaVersion, e.Data, e.Timestamp, e.CorrelationId)).ToList());

    public static HttpAnswer Created(HttpRequest request, CommandOutcome outcome) => outcome is CommandOutcome.Succeeded created
        ? Written(Todo(request, created.Todo, StatusCodes.Status201Created).WithHeader(HeaderNames.Location, TodoUrls.For(request, created.Todo.Id)), request, created)
        : Problems.ForRefusal(outcome);

    public static HttpAnswer Updated(HttpRequest request, CommandOutcome outcome) => outcome is CommandOutcome.Succeeded updated
        ? Written(Todo(request, updated.Todo), request, updated)
        : Problems.ForRefusal(outcome);

    public static HttpAnswer Deleted(HttpRequest request, CommandOutcome outcome) => outcome is CommandOutcome.Succeeded deleted
        ? Written(new HttpAnswer(StatusCodes.Status204NoContent), request, deleted)
        : Problems.ForRefusal(outcome);

    public static HttpAnswer AllDeleted(DeleteAllOutcome outcome) => Written(new HttpAnswer(StatusCodes.Status204NoContent), outcome.ReadModelCaughtUp);

    /// <summary>OPTIONS answers a CORS preflight; any other method that reaches here is not served on the route.</summary>
    public static HttpAnswer PreflightOrMethodNotAllowed(HttpRequest request, string allowedMethods) => HttpMethods.IsOptions(request.Method)
        ? new HttpAnswer(StatusCodes.Status204NoContent)
            .WithHeader(HeaderNames.Allow, allowedMethods)
            .WithHeader(HeaderNames.AccessControlAllowMethods, TodoRoutes.CorsMethods)
            .WithHeader(HeaderNames.AccessControlAllowHeaders,
                $"Content-Type, If-Match, If-None-Match, {IdempotencyKeys.Header}, {TodoHttp.CorrelationIdHeader}, {TodoHttp.WaitForReadModelHeader}, {ReadSessions.Header}")
            .WithHeader(HeaderNames.AccessControlMaxAge, "86400")
        : Problems.MethodNotAllowed(request.Method, allowedMethods);

    private static HttpAnswer Validated(HttpAnswer answer, TodoView todo)
    {
        answer.WithHeader(HeaderNames.ETag, EntityTags.For(todo.Version));
        return todo.ParkedAtVersion is { } parkedAt ? answer.WithHeader(StaleHeader, $"parked-at-version={parkedAt}") : answer;
    }

    private static HttpAnswer Written(HttpAnswer answer, bool readModelCaughtUp) =>
        answer.WithHeader(ReadModelCaughtUpHeader, readModelCaughtUp ? "true" : "false");

    private static HttpAnswer Written(HttpAnswer answer, HttpRequest request, CommandOutcome.Succeeded written) =>
        ReadSessions.Answer(Written(answer, written.ReadModelCaughtUp), request, written.ReadModelSession);

    private static TodoRepresentation Representation(HttpRequest request, TodoView todo) =>
        new(todo.Id, todo.Title, todo.Completed, todo.Order, TodoUrls.For(request, todo.Id), todo.IsStale ? true : null) { DueDate = todo.DueDate };
}

/// <summary>
/// A todo on the wire, as Todo-Backend clients expect it; <c>url</c> is where to GET, PATCH or DELETE it. <c>stale</c>
/// appears, as <c>true</c>, only on a parked todo (see <see cref="TodoAnswers.StaleHeader"/>).
/// </summary>
internal sealed record TodoRepresentation(
    Guid Id, string Title, bool Completed, int? Order, string Url,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Stale)
{
    /// <summary>The day the todo is due, as <c>"YYYY-MM-DD"</c>; absent when it has none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateOnly? DueDate { get; init; }
}

/// <summary>One entry of a todo's event stream on the wire.</summary>
internal sealed record EventRepresentation(long Version, string Type, int SchemaVersion, JsonElement Data, DateTimeOffset Timestamp, string CorrelationId);
