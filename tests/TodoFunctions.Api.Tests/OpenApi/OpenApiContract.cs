extern alias JsonEverything;

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using JsonEverything::Json.Schema;

namespace TodoFunctions.Api.Tests.OpenApi;

/// <summary>
/// The served OpenAPI document read as JSON, holding real answers to what it says: the status among the operation's
/// responses, the media type, the body against the JSON Schema 2020-12 it names, the headers it marks required.
/// </summary>
internal sealed class OpenApiContract(JsonObject document)
{
    public static async Task<OpenApiContract> ReadAsync(HttpClient client) =>
        new(JsonNode.Parse(await client.GetStringAsync("openapi.json"))!.AsObject());

    public JsonObject Document => document;

    /// <summary>Every documented operation as (method, path template, operationId).</summary>
    public IEnumerable<(string Method, string Path, string OperationId)> Operations =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where operation.Key != "parameters"
        select (operation.Key.ToUpperInvariant(), path.Key, operation.Value!["operationId"]!.GetValue<string>());

    /// <summary>What is wrong with a response to <paramref name="method"/> <paramref name="path"/>; empty when the document describes it.</summary>
    public async Task<(string? OperationId, List<string> Errors)> CheckAsync(string method, string path, HttpResponseMessage response)
    {
        var errors = new List<string>();
        // A literal segment wins over a parameter, as in routing: /api/todos/trash is not /api/todos/{id}.
        var found = Operations.OrderBy(o => o.Path.Count(c => c == '{')).FirstOrDefault(o => o.Method == method && Template(o.Path).IsMatch(path));
        if (found.OperationId is null) return (null, [$"{method} {path}: no documented operation"]);
        var status = ((int)response.StatusCode).ToString();
        var documented = document["paths"]![found.Path]![method.ToLowerInvariant()]!["responses"]![status];
        if (documented is null) return (found.OperationId, [$"{found.OperationId}: status {status} is not documented"]);
        var answer = Resolve(documented).AsObject();

        foreach (var (name, header) in answer["headers"]?.AsObject() ?? [])
            if (header!["required"]?.GetValue<bool>() == true && !response.Headers.Contains(name) && !response.Content.Headers.Contains(name))
                errors.Add($"{found.OperationId} {status}: required header {name} is missing");

        var body = await response.Content.ReadAsStringAsync();
        var content = answer["content"]?.AsObject();
        if (content is null)
        {
            if (body.Length > 0) errors.Add($"{found.OperationId} {status}: documented without a body, answered {body}");
            return (found.OperationId, errors);
        }
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "(none)";
        if (content[mediaType]?["schema"] is not { } schema)
            errors.Add($"{found.OperationId} {status}: media type {mediaType} is not documented");
        else if (Evaluate(schema, body) is { IsValid: false } result)
            errors.Add($"{found.OperationId} {status}: the body does not match its schema: {Describe(result)}\n{body}");
        return (found.OperationId, errors);
    }

    /// <summary>Every <c>$ref</c> of the document that points at nothing in it.</summary>
    public IEnumerable<string> DanglingReferences() =>
        from node in Descendants(document)
        where node is JsonObject { } holder && holder["$ref"] is JsonValue
        let reference = node["$ref"]!.GetValue<string>()
        where reference.TrimStart('#', '/').Split('/').Aggregate<string, JsonNode?>(document, (at, segment) => at?[segment]) is null
        select reference;

    private static IEnumerable<JsonNode> Descendants(JsonNode node) => node switch
    {
        JsonObject members => members.Select(member => member.Value).OfType<JsonNode>().SelectMany(Descendants).Prepend(node),
        JsonArray items => items.OfType<JsonNode>().SelectMany(Descendants).Prepend(node),
        _ => [node],
    };

    private JsonNode Resolve(JsonNode node) =>
        node["$ref"]?.GetValue<string>() is { } reference
            ? reference.TrimStart('#', '/').Split('/').Aggregate<string, JsonNode>(document, (at, segment) => at[segment]!)
            : node;

    /// <summary>
    /// Evaluates the body against the schema with the document's component schemas as <c>$defs</c> of one JSON Schema
    /// 2020-12 resource (what OpenAPI 3.1 says they are), with format validation on.
    /// </summary>
    private EvaluationResults Evaluate(JsonNode schema, string body)
    {
        var resource = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = Rewritten(document["components"]!["schemas"]!),
            ["allOf"] = new JsonArray(Rewritten(schema)),
        };
        var built = JsonSchema.Build(JsonSerializer.SerializeToElement(resource), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"urn:uuid:{Guid.NewGuid()}"));
        using var instance = JsonDocument.Parse(body);
        return built.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
    }

    private static JsonNode Rewritten(JsonNode node) =>
        JsonNode.Parse(node.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal))!;

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Prepend(result)
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation} ({detail.EvaluationPath}): {error.Value}")));

    private static Regex Template(string path) =>
        new("^" + Regex.Replace(Regex.Escape(path), @"\\\{[^}]+}", "[^/]+") + "$", RegexOptions.IgnoreCase);
}
