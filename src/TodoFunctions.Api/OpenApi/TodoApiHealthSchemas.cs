using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace TodoFunctions.Api.OpenApi;

/// <summary>The bodies of the health answers (<c>Http/HealthAnswers.cs</c>), closed like every answer: the same body at 200 and 503.</summary>
internal static partial class TodoApiSchemas
{
    private static void AddHealthSchemas(OpenApiDocument document, IDictionary<string, IOpenApiSchema> schemas)
    {
        var nullableCount = Of(JsonSchemaType.Integer | JsonSchemaType.Null, "int64");
        var threshold = Of(JsonSchemaType.String | JsonSchemaType.Null, description: "The setting a failed check exceeded, as `Section:Name = value`.");
        schemas["HealthSummary"] = Closed("The last measurement, small and public: 200 when every check passes, else 503 naming the failed ones.",
            ["status", "observedAt", "liveness", "readiness", "projection", "failed"],
            ("status", Status()), ("observedAt", DateTime()),
            ("liveness", new OpenApiSchema { Type = JsonSchemaType.String, Const = "up" }),
            ("readiness", Choice("Cosmos DB and the storage queues answer (a projection backlog does not matter).", "ready", "not ready")),
            ("projection", Closed("Both projections at a glance.", ["leases", "backlog", "oldestUnprojectedAgeSeconds", "parked", "deadLetters", "rebuild"],
                ("leases", ArrayOf(Closed("A change-feed lease.", ["projection", "leaseToken", "owner", "checkpointStalledSeconds", "backlog"],
                    ("projection", Of(JsonSchemaType.String)), ("leaseToken", Of(JsonSchemaType.String)), ("owner", Of(JsonSchemaType.String | JsonSchemaType.Null)),
                    ("checkpointStalledSeconds", Seconds()), ("backlog", nullableCount)))),
                ("backlog", MapOf("Estimated events not yet projected, per projection; null when its change feed cannot be read.", nullableCount)),
                ("oldestUnprojectedAgeSeconds", MapOf("Per projection; null when its change feed cannot be read.", UnknownOrSeconds())),
                ("parked", Count()), ("deadLetters", nullableCount),
                ("rebuild", Of(JsonSchemaType.String | JsonSchemaType.Null, description: "The running rebuild's state, if any.")))),
            ("failed", ArrayOf(Closed("A failed check.", ["name", "detail", "threshold"],
                ("name", Of(JsonSchemaType.String)), ("detail", Of(JsonSchemaType.String)), ("threshold", threshold)))));
        schemas["HealthCheck"] = Closed("One verdict of a measurement.", ["name", "healthy", "detail", "threshold"],
            ("name", Of(JsonSchemaType.String, description: "cosmos, storage, leases:{projection}, lag:{projection}, stuck:{projection}/{lease}, parked, rebuild, measurement.")),
            ("healthy", Boolean()), ("detail", Of(JsonSchemaType.String)), ("threshold", threshold));
        schemas["ProjectionHealth"] = Closed("The last measurement per projection and lease, for operators.",
            ["status", "observedAt", "ready", "requestCharge", "projections", "deadLetters", "readModel", "checks"],
            ("status", Status()), ("observedAt", DateTime()), ("ready", Boolean()),
            ("requestCharge", Of(JsonSchemaType.Number, "double", "The request units the measurement cost.")),
            ("projections", ArrayOf(Closed("One projection.", ["name", "backlog", "oldestUnprojectedAgeSeconds", "changeFeedFailure", "leases", "parked"],
                ("name", Of(JsonSchemaType.String)), ("backlog", nullableCount), ("oldestUnprojectedAgeSeconds", UnknownOrSeconds()),
                ("changeFeedFailure", Of(JsonSchemaType.String | JsonSchemaType.Null)),
                ("leases", ArrayOf(Closed("A change-feed lease.", ["leaseToken", "owner", "backlog", "stalledSince", "checkpointStalledSeconds", "oldestUnprojectedAt"],
                    ("leaseToken", Of(JsonSchemaType.String)), ("owner", Of(JsonSchemaType.String | JsonSchemaType.Null)), ("backlog", nullableCount),
                    ("stalledSince", Of(JsonSchemaType.String | JsonSchemaType.Null, "date-time")), ("checkpointStalledSeconds", Seconds()),
                    ("oldestUnprojectedAt", Of(JsonSchemaType.String | JsonSchemaType.Null, "date-time"))))),
                ("parked", ArrayOf(Ref(document, "ParkedTodo")))))),
            ("deadLetters", nullableCount),
            ("readModel", Nullable(Closed("The read-model pointer.", ["liveVersion", "liveContainer", "rebuild", "rebuildStalled"],
                ("liveVersion", Of(JsonSchemaType.Integer, "int32")), ("liveContainer", Of(JsonSchemaType.String)),
                ("rebuild", Nullable(Ref(document, "RebuildProgress"))), ("rebuildStalled", Boolean())))),
            ("checks", ArrayOf(Ref(document, "HealthCheck"))));
    }

    private static OpenApiSchema Status() => Choice("unhealthy when any check fails.", "healthy", "unhealthy");

    private static OpenApiSchema Choice(string description, params string[] values) =>
        new() { Type = JsonSchemaType.String, Description = description, Enum = [.. values.Select(value => (JsonNode)value)] };

    private static OpenApiSchema MapOf(string description, IOpenApiSchema values) =>
        new() { Type = JsonSchemaType.Object, Description = description, AdditionalProperties = values };

    private static OpenApiSchema Seconds() => new() { Type = JsonSchemaType.Number, Format = "double", Minimum = "0" };

    private static OpenApiSchema UnknownOrSeconds() => new() { Type = JsonSchemaType.Number | JsonSchemaType.Null, Format = "double", Minimum = "0" };
}
