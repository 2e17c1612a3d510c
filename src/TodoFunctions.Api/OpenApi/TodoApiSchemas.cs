using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using TodoFunctions.Domain;

namespace TodoFunctions.Api.OpenApi;

/// <summary>
/// The document's components: the bodies the API reads and writes, as JSON Schema 2020-12 (OpenAPI 3.1). Answers are
/// closed (<c>additionalProperties: false</c>), so a field added to a representation fails the sample test until it is
/// documented; problems stay open, as RFC 9457 lets them carry extension members.
/// </summary>
internal static partial class TodoApiSchemas
{
    public static void AddTo(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        schemas["Todo"] = Closed("A todo as Todo-Backend clients expect it; `url` is where to GET, PATCH, PUT or DELETE it.",
            ["id", "title", "completed", "order", "url"],
            ("id", Uuid()), ("title", Title()), ("completed", Boolean()), ("order", Order()), ("url", Uri()),
            ("dueDate", Of(JsonSchemaType.String, "date", "The day the todo is due; absent when it has none.")),
            ("stale", new OpenApiSchema { Type = JsonSchemaType.Boolean, Const = "true", Description = "Present, as true, only on a parked todo (see X-Read-Model-Stale)." }));
        schemas["TodoList"] = ArrayOf(Ref(document, "Todo"));
        schemas["NewTodo"] = Body("POST /api/todos: title is required.", ["title"]);
        schemas["TodoChanges"] = Body("PATCH: any subset of the fields; a field equal to its current value appends no event.", []);
        schemas["TodoReplacement"] = Body("PUT: the whole todo; a missing order or dueDate means none.", ["title", "completed"]);
        schemas["Event"] = Closed("One event of a todo's stream, oldest first.",
            ["version", "type", "schemaVersion", "data", "timestamp", "correlationId"],
            ("version", Of(JsonSchemaType.Integer, "int64")), ("type", Of(JsonSchemaType.String)), ("schemaVersion", Of(JsonSchemaType.Integer, "int32")),
            ("data", Of(JsonSchemaType.Object, description: "The event's fields, as stored.")), ("timestamp", DateTime()),
            ("correlationId", Of(JsonSchemaType.String, description: "The X-Correlation-Id of the request that appended it.")));
        schemas["EventList"] = ArrayOf(Ref(document, "Event"));
        schemas["TrashedTodo"] = Closed("A deleted todo that can be restored: `url` is where to POST its restore, `etag` what that restore's If-Match names.",
            ["id", "title", "completed", "order", "url", "deletedAt", "version", "etag"],
            ("id", Uuid()), ("title", Of(JsonSchemaType.String)), ("completed", Boolean()), ("order", Order()), ("url", Uri()),
            ("deletedAt", DateTime()), ("version", Of(JsonSchemaType.Integer, "int64")), ("etag", Of(JsonSchemaType.String)));
        schemas["TrashList"] = ArrayOf(Ref(document, "TrashedTodo"));
        schemas["Statistics"] = Closed("Counts from the statistics projection of the same change feed.",
            ["total", "active", "completed", "deleted", "createdToday", "completedToday", "completionRate", "averageTimeToCompleteSeconds"],
            ("total", Count()), ("active", Count()), ("completed", Count()), ("deleted", Count()), ("createdToday", Count()), ("completedToday", Count()),
            ("completionRate", Of(JsonSchemaType.Number, "double")),
            ("averageTimeToCompleteSeconds", Of(JsonSchemaType.Number | JsonSchemaType.Null, "double", "Over todos completed in the last 30 UTC days; null when there are none.")));
        schemas["Problem"] = new OpenApiSchema
        {
            Description = "RFC 9457 problem details. Extension members (`errors`, `rebuild`, `commandId`, …) may follow.",
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "type", "title", "status", "detail" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Of(JsonSchemaType.String, "uri-reference"), ["title"] = Of(JsonSchemaType.String),
                ["status"] = Of(JsonSchemaType.Integer, "int32"), ["detail"] = Of(JsonSchemaType.String),
                ["instance"] = Of(JsonSchemaType.String, "uri-reference"),
            },
        };
        schemas["ValidationProblem"] = new OpenApiSchema
        {
            Description = "A 400 for a body with invalid fields: `errors` names each one.",
            AllOf = [Ref(document, "Problem"), new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "errors" },
                Properties = new Dictionary<string, IOpenApiSchema> { ["errors"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = ArrayOf(Of(JsonSchemaType.String)) } },
            }],
        };
        AddAdminSchemas(document, schemas);
        AddHealthSchemas(document, schemas);
    }

    private static void AddAdminSchemas(OpenApiDocument document, IDictionary<string, IOpenApiSchema> schemas)
    {
        var progress = Ref(document, "RebuildProgress");
        schemas["RebuildProgress"] = Closed("How far a rebuild has come; saved about once a second while it runs.",
            ["requestId", "targetVersion", "targetContainer", "state", "eventsProcessed", "position", "startedAt", "savedAt"],
            ("requestId", Of(JsonSchemaType.String)), ("targetVersion", Of(JsonSchemaType.Integer, "int32")), ("targetContainer", Of(JsonSchemaType.String)),
            ("state", new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. new[] { "Requested", "Replaying", "CatchingUp", "Cancelled" }.Select(s => (JsonNode)s)] }),
            ("eventsProcessed", Of(JsonSchemaType.Integer, "int64")), ("position", Of(JsonSchemaType.String | JsonSchemaType.Null)),
            ("startedAt", DateTime()), ("savedAt", DateTime()));
        schemas["ProjectionStatus"] = Closed("Which read-model version serves reads and, while one runs, how far the rebuild has come.",
            ["liveVersion", "liveContainer", "previousContainer", "rebuildInProgress", "rebuild", "rebuildStalled", "lastCancelled"],
            ("liveVersion", Of(JsonSchemaType.Integer, "int32")), ("liveContainer", Of(JsonSchemaType.String)),
            ("previousContainer", Of(JsonSchemaType.String | JsonSchemaType.Null)), ("rebuildInProgress", Boolean()),
            ("rebuild", Nullable(progress)), ("rebuildStalled", Boolean()), ("lastCancelled", Nullable(progress)));
        schemas["RebuildAccepted"] = Closed("A rebuild set going (or resumed): poll `statusUrl`.", ["requestId", "statusUrl"],
            ("requestId", Of(JsonSchemaType.String)), ("statusUrl", Uri()),
            ("resumed", Boolean()), ("detail", Of(JsonSchemaType.String)), ("rebuild", progress));
        schemas["RebuildCancelled"] = Closed("The cancelled rebuild and when the live projector stops writing its container.",
            ["cancelled", "targetWritesStopBy", "detail"], ("cancelled", progress), ("targetWritesStopBy", DateTime()), ("detail", Of(JsonSchemaType.String)));
        schemas["ParkedTodo"] = Closed("A todo whose projection waits at an event it could not apply.",
            ["todoId", "parkedAtVersion", "eventType", "error", "attempts", "parkedAt", "projection"],
            ("todoId", Uuid()), ("parkedAtVersion", Of(JsonSchemaType.Integer, "int64")), ("eventType", Of(JsonSchemaType.String)),
            ("error", Of(JsonSchemaType.String)), ("attempts", Of(JsonSchemaType.Integer, "int32")), ("parkedAt", DateTime()),
            ("projection", new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["todos", "statistics"] }));
        schemas["ParkedTodoList"] = ArrayOf(Ref(document, "ParkedTodo"));
        schemas["ParkedTodoResumed"] = Closed("A parked todo projected again, up to `appliedVersion`.", ["todoId", "appliedVersion"],
            ("todoId", Uuid()), ("appliedVersion", Of(JsonSchemaType.Integer, "int64")));
    }

    public static OpenApiSchemaReference Ref(OpenApiDocument document, string name) => new(name, document);

    public static OpenApiSchema Of(JsonSchemaType type, string? format = null, string? description = null) =>
        new() { Type = type, Format = format, Description = description };

    private static OpenApiSchema Closed(string description, string[] required, params (string Name, IOpenApiSchema Schema)[] properties) => new()
    {
        Description = description,
        Type = JsonSchemaType.Object,
        Required = new HashSet<string>(required),
        Properties = properties.ToDictionary(p => p.Name, p => p.Schema),
        AdditionalPropertiesAllowed = false,
    };

    /// <summary>A request body: unknown properties are refused (400); the read-only <c>id</c> and <c>url</c> are ignored.</summary>
    private static OpenApiSchema Body(string description, string[] required) =>
        Closed(description, required, ("title", Title()), ("completed", Boolean()), ("order", Order()),
            ("dueDate", Of(JsonSchemaType.String | JsonSchemaType.Null, "date", "\"YYYY-MM-DD\", or null for none.")),
            ("id", new OpenApiSchema { ReadOnly = true, Description = "Ignored: a client may send a todo back as it received it." }),
            ("url", new OpenApiSchema { ReadOnly = true, Description = "Ignored, like id." }));

    private static OpenApiSchema ArrayOf(IOpenApiSchema items) => new() { Type = JsonSchemaType.Array, Items = items };

    private static OpenApiSchema Nullable(IOpenApiSchema schema) => new() { OneOf = [schema, new OpenApiSchema { Type = JsonSchemaType.Null }] };

    private static OpenApiSchema Uuid() => Of(JsonSchemaType.String, "uuid");

    private static OpenApiSchema Uri() => Of(JsonSchemaType.String, "uri");

    private static OpenApiSchema DateTime() => Of(JsonSchemaType.String, "date-time");

    private static OpenApiSchema Boolean() => Of(JsonSchemaType.Boolean);

    private static OpenApiSchema Count() => new() { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" };

    private static OpenApiSchema Order() => Of(JsonSchemaType.Integer | JsonSchemaType.Null, "int32", "Sorts the list ascending; null (or absent on create) when never set.");

    private static OpenApiSchema Title() => new()
    {
        Type = JsonSchemaType.String, MinLength = 1, MaxLength = Todo.MaxTitleLength, Pattern = @"\S",
        Description = "Not blank.",
    };
}
