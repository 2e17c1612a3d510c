using System.Text.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>The built-ins that convert between strings, objects and arrays; undefined for input they cannot convert.</summary>
internal static class SqlConversionFunctions
{
    public static IEnumerable<SqlFunction> All =>
    [
        new("OBJECTTOARRAY", 1, 3, ObjectToArray),
        new("STRINGTOARRAY", 1, 1, a => ParsedJson(a[0]) as JArray),
        new("STRINGTOOBJECT", 1, 1, a => ParsedJson(a[0]) as JObject),
        new("STRINGTONUMBER", 1, 1, a => ParsedJson(a[0]) is JValue { Type: JTokenType.Integer or JTokenType.Float } number ? number : null),
        new("STRINGTOBOOLEAN", 1, 1, a => ParsedJson(a[0]) is JValue { Type: JTokenType.Boolean } boolean ? boolean : null),
        new("STRINGTONULL", 1, 1, a => ParsedJson(a[0]) is JValue { Type: JTokenType.Null } nothing ? nothing : null),
    ];

    /// <summary>Each property as an object of its name and value, under the names given (<c>k</c> and <c>v</c> by default).</summary>
    private static JToken? ObjectToArray(JToken?[] a)
    {
        if (a[0] is not JObject source) return null;
        var keyName = a.Length > 1 ? SqlValues.AsString(a[1]) : "k";
        var valueName = a.Length > 2 ? SqlValues.AsString(a[2]) : "v";
        if (keyName is null || valueName is null) return null;
        return new JArray(source.Properties().Select(property => new JObject { [keyName] = property.Name, [valueName] = property.Value.DeepClone() }));
    }

    /// <summary>A string holding strict JSON (no single quotes, no comments), surrounding whitespace allowed; otherwise undefined.</summary>
    private static JToken? ParsedJson(JToken? value)
    {
        if (SqlValues.AsString(value) is not { } text) return null;
        try
        {
            using (JsonDocument.Parse(text)) { }
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
        return JToken.Load(reader);
    }
}
