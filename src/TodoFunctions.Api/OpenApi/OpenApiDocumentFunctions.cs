using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;

namespace TodoFunctions.Api.OpenApi;

/// <summary><c>GET /api/openapi.json</c>: the API's OpenAPI 3.1 description, served like any other answer.</summary>
public sealed class OpenApiDocumentFunctions(TodoHttp http)
{
    private static readonly Lazy<JsonElement> Document = new(() => JsonDocument.Parse(TodoApiDocument.Json.Value).RootElement.Clone());

    [Function("GetOpenApiDocument")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = TodoRoutes.OpenApiDocument)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(new HttpAnswer(StatusCodes.Status200OK, Document.Value)));
}
