using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Server;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// A container's single-path partition key, and the canonical JSON-array form of a partition key value that
/// documents are grouped by: the same text whether it came from a document or from the SDK's request header.
/// </summary>
internal sealed class PartitionKeyPath
{
    // What the SDK sends for PartitionKey.None: the document has no value at the path.
    private const string Undefined = "[{}]";

    private readonly string[] segments;

    private PartitionKeyPath(string path, string[] segments)
    {
        Path = path;
        this.segments = segments;
    }

    public string Path { get; }

    public static PartitionKeyPath FromContainer(JObject container)
    {
        var paths = container["partitionKey"]?["paths"] as JArray;
        if (paths is not { Count: 1 } || paths[0].Type != JTokenType.String)
            throw GatewayException.BadRequest("The partition key definition must have exactly one path.");
        var path = paths[0].Value<string>()!;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!path.StartsWith('/') || segments.Length == 0)
            throw GatewayException.BadRequest($"The partition key path '{path}' is not a path like '/tenantId'.");
        return new PartitionKeyPath(path, segments);
    }

    public string ValueOf(JObject document)
    {
        JToken? value = document;
        foreach (var segment in segments)
            value = (value as JObject)?[segment];
        return value is null ? Undefined : Canonical(new JArray(value));
    }

    public static string FromHeader(string header)
    {
        try
        {
            if (Json.Parse(header) is JArray { Count: 1 } value)
                return Canonical(value);
        }
        catch (Newtonsoft.Json.JsonException)
        {
        }
        throw GatewayException.BadRequest($"The partition key header '{header}' is not a JSON array with one value.");
    }

    // 1 and 1.0 are one partition key value to Cosmos DB; writing every number as a double gives them one text. A
    // value is a string, number, boolean or null, or {} for "undefined"; Cosmos DB refuses objects and arrays.
    private static string Canonical(JArray value)
    {
        if (value[0] is JArray or JObject { Count: > 0 })
            throw GatewayException.BadRequest("A partition key value must be a string, a number, true, false or null.");
        if (value[0].Type is JTokenType.Integer or JTokenType.Float)
            value[0] = new JValue(value[0].Value<double>());
        return Json.Compact(value);
    }
}
