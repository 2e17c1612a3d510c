using Microsoft.OpenApi;
using TodoFunctions.Api.Http;

namespace TodoFunctions.Api.OpenApi;

/// <summary>
/// The OpenAPI 3.1 description of the whole HTTP API, built from Microsoft.OpenApi models. Each operation's id is the
/// name of the function that serves it, and its path the function's route, so a test can hold both against the
/// function index. HEAD is served wherever GET is and OPTIONS answers CORS preflights on every public path; neither
/// is listed. The admin API is in the same document under the <c>admin</c> tag, each operation requiring the
/// function key: one document keeps one coverage rule, and the security requirement says exactly what needs the key.
/// </summary>
internal sealed partial class TodoApiDocument
{
    private readonly OpenApiDocument document = new()
    {
        Info = new OpenApiInfo
        {
            Title = "TodoFunctions",
            Version = "1",
            Description = "An event-sourced Todo-Backend API. Every error is application/problem+json (RFC 9457); every answer carries "
                + "X-Correlation-Id and CORS headers. A method a path does not serve answers 405 with Allow; an unknown path answers 404.",
        },
        Components = new OpenApiComponents { Schemas = new Dictionary<string, IOpenApiSchema>(), Responses = new Dictionary<string, IOpenApiResponse>() },
        Paths = [],
    };

    /// <summary>The document, serialized once: it is the same for every request (its server is the default, the host it was read from).</summary>
    public static readonly Lazy<string> Json = new(() => new TodoApiDocument().Build().SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1).GetAwaiter().GetResult());

    private OpenApiDocument Build()
    {
        TodoApiSchemas.AddTo(document);
        TodoApiParts.AddTo(document);
        AddProblemResponses();
        AddTodoPaths();
        AddAdminPaths();
        document.Paths.Add("/" + TodoRoutes.OpenApiDocument, new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = Operation("GetOpenApiDocument", "meta", "This document.", [], null,
                    ("200", Answer("The OpenAPI 3.1 document.", new OpenApiSchema { Type = JsonSchemaType.Object }))),
            },
        });
        return document;
    }

    private static readonly string[] ReadHeaders = ["IfMatch", "IfNoneMatch", "SessionToken", "CorrelationId"];
    private static readonly string[] WriteHeaders = ["IfMatch", "IfNoneMatch", "IdempotencyKey", "CorrelationId", "WaitForReadModel"];
    private static readonly string[] WriteAnswerHeaders = ["ReadModelCaughtUp", "SessionToken", "IdempotentReplayed"];

    private void AddTodoPaths()
    {
        Path(TodoRoutes.Todos, withId: false,
            (HttpMethod.Get, Operation("ListTodos", "todos", "Every live todo by order, then creation; with limit, one page.", ["limit", "cursor", .. ReadHeaders], null,
                ("200", Answer("The todos, or one page of them.", Schema("TodoList"), ("ETag", true), ("Link", false))), NotModified(),
                Problem("400"), Problem("412"), Problem("503"), Problem("500"))),
            (HttpMethod.Post, Operation("CreateTodo", "todos", "Adds a todo.", WriteHeaders, Body("NewTodo"),
                ("201", Answer("The new todo.", Schema("Todo"), [("Location", true), ("ETag", true), .. Optional(WriteAnswerHeaders)])),
                Problem("400"), Problem("409"), Problem("412"), Problem("413"), Problem("415"), Problem("422"), Problem("503"), Problem("500"))),
            (HttpMethod.Delete, Operation("DeleteAllTodos", "todos", "Deletes every todo, each with its own TodoDeleted event.", WriteHeaders, null,
                ("204", Answer("All deleted.", null, Optional(WriteAnswerHeaders))),
                Problem("400"), Problem("409"), Problem("412"), Problem("422"), Problem("503"), Problem("500"))));
        Path(TodoRoutes.Todo, withId: true,
            (HttpMethod.Get, Operation("GetTodo", "todos", "The todo; with version or asOf, the todo as it was then.", ["version", "asOf", .. ReadHeaders], null,
                ("200", Answer("The todo.", Schema("Todo"), ("ETag", true), ("ReadModelStale", false), ("Link", false), ("MementoDatetime", false))), NotModified(),
                Problem("400"), Problem("404"), Problem("412"), Problem("503"), Problem("500"))),
            (HttpMethod.Patch, Operation("UpdateTodo", "todos", "Changes some fields; only real changes append events.", WriteHeaders, Body("TodoChanges"), Written())),
            (HttpMethod.Put, Operation("ReplaceTodo", "todos", "Replaces the whole todo, deciding the same events as a PATCH of every field.", WriteHeaders, Body("TodoReplacement"), Written())),
            (HttpMethod.Delete, Operation("DeleteTodo", "todos", "Moves the todo to the trash.", WriteHeaders, null,
                ("204", Answer("Deleted.", null, Optional(WriteAnswerHeaders))),
                Problem("400"), Problem("404"), Problem("409"), Problem("412"), Problem("422"), Problem("503"), Problem("500"))));
        Path(TodoRoutes.TodoEvents, withId: true,
            (HttpMethod.Get, Operation("ListTodoEvents", "history", "The todo's events in order, in pages; also after deletion.", ["fromVersion", "limit", "CorrelationId"], null,
                ("200", Answer("A page of events.", Schema("EventList"), ("Link", false))), Problem("400"), Problem("404"), Problem("503"), Problem("500"))));
        Path(TodoRoutes.Trash, withId: false,
            (HttpMethod.Get, Operation("BrowseTrash", "trash", "Deleted todos that can be restored, newest deletion first.", ["limit", "cursor", .. ReadHeaders], null,
                ("200", Answer("The trash, or one page of it.", Schema("TrashList"), ("ETag", true), ("Link", false))), NotModified(),
                Problem("400"), Problem("412"), Problem("503"), Problem("500"))));
        Path(TodoRoutes.TodoRestore, withId: true,
            (HttpMethod.Post, Operation("RestoreTodo", "trash", "Brings a deleted todo back as it was (TodoRestored); 409 for a live one.", WriteHeaders, null,
                ("200", Answer("The restored todo.", Schema("Todo"), [("ETag", true), .. Optional(WriteAnswerHeaders)])),
                Problem("400"), Problem("404"), Problem("409"), Problem("412"), Problem("422"), Problem("503"), Problem("500"))));
        Path(TodoRoutes.TrashedTodo, withId: true,
            (HttpMethod.Delete, Operation("PurgeTodo", "trash", "Purges a deleted todo for good (TodoPurged): its title is masked wherever it was stored; 409 for a live one.", WriteHeaders, null,
                ("204", Answer("Purged.", null, Optional(WriteAnswerHeaders))),
                Problem("400"), Problem("404"), Problem("409"), Problem("412"), Problem("422"), Problem("503"), Problem("500"))));
        Path(TodoRoutes.Health, withId: false,
            (HttpMethod.Get, Operation("GetHealth", "health", "The last health measurement, for availability tests and operators; no key, no Cosmos DB request of its own.", ["CorrelationId"], null,
                ("200", Answer("Every check passes.", Schema("HealthSummary"))), Unhealthy("HealthSummary"), Problem("500"))));
        Path(TodoRoutes.Statistics, withId: false,
            (HttpMethod.Get, Operation("GetStatistics", "statistics", "Counts from the statistics projection; poll with If-None-Match.", ["IfNoneMatch", "CorrelationId"], null,
                ("200", Answer("The counts.", Schema("Statistics"), ("ETag", true))), NotModified(), Problem("503"), Problem("500"))));
    }

    private void AddAdminPaths()
    {
        Path(TodoRoutes.ProjectionStatus, withId: false,
            (HttpMethod.Get, Admin(Operation("GetTodoProjectionStatus", "admin", "The projection's state and any rebuild's progress.", ["CorrelationId"], null,
                ("200", Answer("The state.", Schema("ProjectionStatus"))), Problem("401"), Problem("503"), Problem("500")))));
        Path(TodoRoutes.ProjectionRebuild, withId: false,
            (HttpMethod.Post, Admin(Operation("RequestTodoProjectionRebuild", "admin", "Rebuilds the read model from the log into a new container, or resumes a stalled rebuild.", ["CorrelationId"], null,
                ("202", Answer("Queued; poll the status.", Schema("RebuildAccepted"), ("Location", true))), Problem("401"), Problem("409"), Problem("503"), Problem("500")))));
        Path(TodoRoutes.ProjectionRebuildCancel, withId: false,
            (HttpMethod.Post, Admin(Operation("CancelTodoProjectionRebuild", "admin", "Drops the claimed rebuild, whatever its state.", ["CorrelationId"], null,
                ("200", Answer("Cancelled.", Schema("RebuildCancelled"))), Problem("401"), Problem("409"), Problem("503"), Problem("500")))));
        Path(TodoRoutes.ParkedTodos, withId: false,
            (HttpMethod.Get, Admin(Operation("ListParkedTodos", "admin", "Todos whose projection waits at an event it could not apply.", ["CorrelationId"], null,
                ("200", Answer("The parked todos.", Schema("ParkedTodoList"))), Problem("401"), Problem("503"), Problem("500")))));
        Path(TodoRoutes.ProjectionHealth, withId: false,
            (HttpMethod.Get, Admin(Operation("GetTodoProjectionHealth", "admin", "The last health measurement per projection and lease, with every check.", ["CorrelationId"], null,
                ("200", Answer("Every check passes.", Schema("ProjectionHealth"))), Problem("401"), Unhealthy("ProjectionHealth"), Problem("500")))));
        Path(TodoRoutes.ParkedTodoRetry, withId: true,
            (HttpMethod.Post, Admin(Operation("RetryParkedTodo", "admin", "Applies a parked todo's held events again.", ["CorrelationId"], null,
                ("200", Answer("Projected again.", Schema("ParkedTodoResumed"))), Problem("401"), Problem("404"), Problem("409"), Problem("503"), Problem("500")))));
    }

    private (string, IOpenApiResponse)[] Written() =>
    [
        ("200", Answer("The todo after the change.", Schema("Todo"), [("ETag", true), ("ReadModelStale", false), .. Optional(WriteAnswerHeaders)])),
        Problem("400"), Problem("404"), Problem("409"), Problem("412"), Problem("413"), Problem("415"), Problem("422"), Problem("503"), Problem("500"),
    ];

    /// <summary>A failed check answers its health body; a failure to measure at all, the usual problem.</summary>
    private (string, IOpenApiResponse) Unhealthy(string schema)
    {
        var response = Answer("A check fails (the body names it), or the measurement itself failed (a problem): retry after Retry-After, the next measurement.",
            Schema(schema), ("RetryAfter", true));
        response.Content!["application/problem+json"] = new OpenApiMediaType { Schema = Schema("Problem") };
        return ("503", response);
    }

    private (string, IOpenApiResponse) NotModified() => ("304", Answer("The If-None-Match names the current representation.", null, ("ETag", true)));

    private static (string, bool)[] Optional(string[] headers) => [.. headers.Select(header => (header, false))];

    private void Path(string route, bool withId, params (HttpMethod Method, OpenApiOperation Operation)[] operations) =>
        document.Paths.Add("/" + route, new OpenApiPathItem
        {
            Parameters = withId ? [TodoApiParts.Parameter(document, "id")] : null,
            Operations = operations.ToDictionary(o => o.Method, o => o.Operation),
        });

    private OpenApiOperation Operation(string id, string tag, string summary, string[] parameters, OpenApiRequestBody? body, params (string Status, IOpenApiResponse Response)[] responses)
    {
        var operation = new OpenApiOperation
        {
            OperationId = id,
            Summary = summary,
            Tags = new HashSet<OpenApiTagReference> { new(tag, document) },
            Parameters = [.. parameters.Select(name => (IOpenApiParameter)TodoApiParts.Parameter(document, name))],
            RequestBody = body,
            Responses = [],
        };
        foreach (var (status, response) in responses) operation.Responses.Add(status, response);
        return operation;
    }

    private OpenApiOperation Admin(OpenApiOperation operation)
    {
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(TodoApiParts.FunctionKeyScheme, document)] = [] }];
        return operation;
    }

    private OpenApiRequestBody Body(string schema) => new()
    {
        Required = true,
        Description = "JSON, at most 64 KiB; a missing Content-Type is taken as JSON.",
        Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = Schema(schema) } },
    };

    private OpenApiResponse Answer(string description, IOpenApiSchema? schema, params (string Name, bool Required)[] headers)
    {
        var response = new OpenApiResponse { Description = description, Headers = new Dictionary<string, IOpenApiHeader>() };
        foreach (var (key, required) in headers.Prepend(("CorrelationId", true)))
        {
            var (name, header) = TodoApiParts.ResponseHeader(key, required);
            response.Headers[name] = header;
        }
        if (schema is not null) response.Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = schema } };
        return response;
    }

    private OpenApiSchemaReference Schema(string name) => TodoApiSchemas.Ref(document, name);
}
