using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>Reads JSON the way Cosmos DB stores it: strings that look like dates stay strings.</summary>
internal static class Json
{
    public static JToken Parse(TextReader text)
    {
        using var reader = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }

    public static JToken Parse(string text) => Parse(new StringReader(text));

    public static string Compact(JToken token) => token.ToString(Formatting.None);
}
