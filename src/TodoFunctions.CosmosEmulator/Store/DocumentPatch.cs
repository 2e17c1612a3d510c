using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Server;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// Cosmos DB partial document update: <c>add</c>, <c>set</c>, <c>replace</c>, <c>remove</c>, <c>incr</c> and
/// <c>move</c> at JSON-pointer paths, applied in order to a copy, all or nothing.
/// </summary>
internal static class DocumentPatch
{
    public const int MaxOperations = 10;

    public static JObject Apply(JObject document, JArray operations)
    {
        if (operations.Count is 0 or > MaxOperations)
            throw GatewayException.BadRequest($"A patch request takes 1 to {MaxOperations} operations, not {operations.Count}.");
        var patched = (JObject)document.DeepClone();
        foreach (var operation in operations)
            ApplyOne(patched, operation as JObject ?? throw GatewayException.BadRequest("A patch operation must be a JSON object."));
        return patched;
    }

    private static void ApplyOne(JObject document, JObject operation)
    {
        var kind = operation.Value<string>("op")?.ToLowerInvariant();
        var path = operation.Value<string>("path") ?? throw GatewayException.BadRequest("A patch operation needs a 'path'.");
        var value = operation["value"];
        switch (kind)
        {
            case "add":
                Add(document, path, Required(value, kind));
                break;
            case "set":
                Set(document, path, Required(value, kind));
                break;
            case "replace":
                Replace(document, path, Required(value, kind));
                break;
            case "remove":
                Remove(document, path);
                break;
            case "incr":
                Increment(document, path, Required(value, kind));
                break;
            case "move":
                var from = operation.Value<string>("from") ?? throw GatewayException.BadRequest("A 'move' patch operation needs a 'from' path.");
                Add(document, path, Remove(document, from));
                break;
            default:
                throw GatewayException.BadRequest($"The patch operation '{kind}' is not one of add, set, replace, remove, incr, move.");
        }
    }

    private static JToken Required(JToken? value, string kind) =>
        value ?? throw GatewayException.BadRequest($"A '{kind}' patch operation needs a 'value'.");

    private static void Add(JObject document, string path, JToken value)
    {
        var (parent, name) = Locate(document, path);
        if (parent is JObject item)
            item[name] = value;
        else if (parent is JArray array && name == "-")
            array.Add(value);
        else
            ((JArray)parent).Insert(Index(path, name, ((JArray)parent).Count), value);
    }

    private static void Set(JObject document, string path, JToken value)
    {
        var (parent, name) = Locate(document, path);
        if (parent is JObject item)
            item[name] = value;
        else if (parent is JArray array && Index(path, name, array.Count) == array.Count)
            array.Add(value);
        else
            ((JArray)parent)[Index(path, name, ((JArray)parent).Count - 1)] = value;
    }

    private static void Replace(JObject document, string path, JToken value)
    {
        var (parent, name) = Locate(document, path);
        if (parent is JObject item)
        {
            Existing(item[name], path);
            item[name] = value;
        }
        else
            ((JArray)parent)[Index(path, name, ((JArray)parent).Count - 1)] = value;
    }

    private static JToken Remove(JObject document, string path)
    {
        var (parent, name) = Locate(document, path);
        if (parent is JObject item)
        {
            var removed = Existing(item[name], path);
            item.Remove(name);
            return removed;
        }
        var array = (JArray)parent;
        var index = Index(path, name, array.Count - 1);
        var element = array[index];
        array.RemoveAt(index);
        return element;
    }

    private static void Increment(JObject document, string path, JToken by)
    {
        if (by.Type is not (JTokenType.Integer or JTokenType.Float))
            throw GatewayException.BadRequest($"The 'incr' patch operation at '{path}' needs a number value.");
        var (parent, name) = Locate(document, path);
        var current = parent is JObject item ? item[name] : ((JArray)parent)[Index(path, name, ((JArray)parent).Count - 1)];
        JToken sum = current switch
        {
            null => by,
            { Type: JTokenType.Integer } when by.Type == JTokenType.Integer => new JValue(current.Value<long>() + by.Value<long>()),
            { Type: JTokenType.Integer or JTokenType.Float } => new JValue(current.Value<double>() + by.Value<double>()),
            _ => throw GatewayException.BadRequest($"The 'incr' patch operation at '{path}' found a {current.Type}, not a number."),
        };
        if (parent is JObject target)
            target[name] = sum;
        else
            parent[Index(path, name, ((JArray)parent).Count - 1)] = sum;
    }

    private static JToken Existing(JToken? token, string path) =>
        token ?? throw GatewayException.BadRequest($"The patch path '{path}' does not exist in the document.");

    private static (JContainer Parent, string Name) Locate(JObject document, string path)
    {
        var segments = path.Split('/');
        if (segments.Length < 2 || segments[0] != "" || segments[^1] == "")
            throw GatewayException.BadRequest($"The patch path '{path}' is not a JSON pointer like '/address/city'.");
        JToken current = document;
        foreach (var segment in segments[1..^1].Select(Unescape))
        {
            current = current switch
            {
                JObject item => item[segment],
                JArray array => array[Index(path, segment, array.Count - 1)],
                _ => null,
            } ?? throw GatewayException.BadRequest($"The patch path '{path}' goes through '{segment}', which does not exist.");
        }
        return current is JContainer parent and (JObject or JArray)
            ? (parent, Unescape(segments[^1]))
            : throw GatewayException.BadRequest($"The patch path '{path}' goes through a value that is neither an object nor an array.");
    }

    private static int Index(string path, string segment, int highest) =>
        int.TryParse(segment, out var index) && index >= 0 && index <= highest
            ? index
            : throw GatewayException.BadRequest($"The patch path '{path}' has '{segment}' where an array index from 0 to {highest} is needed.");

    private static string Unescape(string segment) => segment.Replace("~1", "/").Replace("~0", "~");
}
