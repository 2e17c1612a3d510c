using Microsoft.OpenApi;

namespace TodoFunctions.Api.OpenApi;

/// <summary>The error answers, one per status, shared by the operations that can give them; all application/problem+json.</summary>
internal sealed partial class TodoApiDocument
{
    private static readonly Dictionary<string, (string Description, (string Header, bool Required)[] Headers)> Problems = new()
    {
        ["400"] = ("The body, a query parameter or a header is malformed; for a body's fields, `errors` names each bad one (ValidationProblem). Nothing is stored.", []),
        ["401"] = ("The function key is missing or wrong. The Functions host answers this itself, with no body; the local host with a problem.", []),
        ["404"] = ("No such todo (unknown, deleted, purged, or an id that is not a UUID), no such past state, or nothing parked.", []),
        ["409"] = ("Refused in the current state (restore or purge of a live todo, a rebuild already claimed, nothing to cancel, a retry still failing), "
            + "or a request with this Idempotency-Key still in flight (with Retry-After).", [("RetryAfter", false)]),
        ["412"] = ("If-Match or If-None-Match does not hold; for a todo, ETag names its current version.", [("ETag", false)]),
        ["413"] = ("The body is over 64 KiB.", []),
        ["415"] = ("The body is declared as something other than JSON.", []),
        ["422"] = ("This Idempotency-Key was used for a different request.", []),
        ["500"] = ("A failure nobody expected; the log has it under X-Correlation-Id.", []),
        ["503"] = ("Cosmos DB or the storage queue is busy or unreachable beyond the retry budget, or the outcome of a write is unknown: retry after Retry-After.",
            [("RetryAfter", true)]),
    };

    private void AddProblemResponses()
    {
        foreach (var (status, (description, headers)) in Problems)
        {
            var schema = status == "400"
                ? new OpenApiSchema { AnyOf = [Schema("Problem"), Schema("ValidationProblem")] }
                : (IOpenApiSchema)Schema("Problem");
            var response = Answer(description, null, headers);
            response.Content = new Dictionary<string, IOpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType { Schema = schema } };
            document.Components!.Responses![status] = response;
        }
    }

    private (string, IOpenApiResponse) Problem(string status) => (status, new OpenApiResponseReference(status, document));
}
