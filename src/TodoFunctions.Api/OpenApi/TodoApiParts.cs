using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Api.Http;

namespace TodoFunctions.Api.OpenApi;

/// <summary>
/// The document's reusable parameters, headers and security scheme, named after the HTTP helpers that read or write
/// them, so a renamed header changes here too.
/// </summary>
internal static class TodoApiParts
{
    public const string FunctionKeyScheme = "functionKey";

    public static void AddTo(OpenApiDocument document)
    {
        var components = document.Components!;
        components.Parameters = new Dictionary<string, IOpenApiParameter>
        {
            ["id"] = new OpenApiParameter { Name = "id", In = ParameterLocation.Path, Required = true, Schema = TodoApiSchemas.Of(JsonSchemaType.String), Description = "The todo's id, a UUID; any other value names no todo (404)." },
            ["IfMatch"] = Header("If-Match", "Entity tags (or `*`) the current representation must match, strongly; else 412. A list's tag is weak, so only `*` matches it."),
            ["IfNoneMatch"] = Header("If-None-Match", "Entity tags (or `*`): a match answers 304 to a GET, 412 to a write."),
            ["IdempotencyKey"] = Header(IdempotencyKeys.Header, $"A quoted string or token, 1 to {IdempotencyKey.MaxLength} characters: a repeat replays the stored answer; the same key with another request is 422; while the first runs, 409."),
            ["SessionToken"] = Header(ReadSessions.Header, "The X-Session-Token a write answered with: the read is served by a replica at least that recent."),
            ["CorrelationId"] = Header(TodoHttp.CorrelationIdHeader, "Up to 128 characters, stored in the events it appends and echoed on the answer; else the request's trace identifier."),
            ["WaitForReadModel"] = Header(TodoHttp.WaitForReadModelHeader, "`false` answers as soon as the events are stored, without waiting for the read model."),
            ["limit"] = Query("limit", "A page of this many (1–1000); the answer's `Link: rel=\"next\"` leads on.", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = "1000" }),
            ["cursor"] = Query("cursor", "Opaque: copy it from the previous page's `Link`.", TodoApiSchemas.Of(JsonSchemaType.String)),
            ["version"] = Query("version", "The todo as it was at this stream version (a Memento, RFC 7089).", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" }),
            ["asOf"] = Query("asOf", "The todo as it was at this RFC 3339 date-time (with its offset; send `+` as `%2B`). Not with version.", TodoApiSchemas.Of(JsonSchemaType.String, "date-time")),
            ["fromVersion"] = Query("fromVersion", "The first event version to list (default 1).", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" }),
        };
        components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [FunctionKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "x-functions-key",
                Description = "The Functions app's function key (or the `code` query parameter). The admin API needs it; the todo API is anonymous.",
            },
        };
    }

    public static OpenApiParameterReference Parameter(OpenApiDocument document, string name) => new(name, document);

    /// <summary>A response header by its short name: its name on the wire and a description of it, required or not on this answer.</summary>
    public static (string Name, OpenApiHeader Header) ResponseHeader(string key, bool required)
    {
        var (name, description) = ResponseHeaders[key];
        return (name, new OpenApiHeader { Description = description, Required = required, Schema = TodoApiSchemas.Of(JsonSchemaType.String) });
    }

    private static readonly Dictionary<string, (string Name, string Description)> ResponseHeaders = new()
    {
        ["ETag"] = (HeaderNames.ETag, "A todo's stream version as a strong tag (`\"3\"`); a listing's weak tag (`W/\"…\"`)."),
        ["Location"] = (HeaderNames.Location, "The absolute URL of what was created, or of the status to poll."),
        ["Link"] = (HeaderNames.Link, "`<…>; rel=\"next\"` while more pages remain; on a past state, `<…>; rel=\"original\"`, the live todo."),
        ["ReadModelCaughtUp"] = (TodoAnswers.ReadModelCaughtUpHeader, "`false` when the read-your-writes bound passed first: the write is stored, the read model not there yet."),
        ["ReadModelStale"] = (TodoAnswers.StaleHeader, "`parked-at-version=N` on a parked todo: the answer is the last state the projector could apply."),
        ["CorrelationId"] = (TodoHttp.CorrelationIdHeader, "The request's X-Correlation-Id, or the trace identifier it was given."),
        ["IdempotentReplayed"] = (IdempotencyKeys.ReplayedHeader, "`true` on an answer replayed for a repeated Idempotency-Key."),
        ["MementoDatetime"] = (HistoricalReads.MementoDatetimeHeader, "When the event a past state ends at was recorded (an HTTP date)."),
        ["SessionToken"] = (ReadSessions.Header, "Send it back as X-Session-Token to read this write from any instance."),
        ["RetryAfter"] = (HeaderNames.RetryAfter, "Seconds to wait before retrying."),
        ["Allow"] = (HeaderNames.Allow, "The methods the path serves."),
    };

    private static OpenApiParameter Header(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Header, Description = description, Schema = TodoApiSchemas.Of(JsonSchemaType.String) };

    private static OpenApiParameter Query(string name, string description, IOpenApiSchema schema) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Schema = schema };
}
