using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>Value equality of results for SELECT DISTINCT, consistent with <see cref="SqlValues.AreEqual"/>.</summary>
internal sealed class JsonValueComparer : IEqualityComparer<JToken>
{
    public static readonly JsonValueComparer Instance = new();

    public bool Equals(JToken? x, JToken? y) => SqlValues.AreEqual(x, y);

    // Coarse but consistent: equal values always share their type, and numbers 1 and 1.0 must hash alike.
    public int GetHashCode(JToken token) => SqlValues.TypeOf(token) switch
    {
        SqlType.Number => SqlValues.AsNumber(token).GetHashCode(),
        SqlType.String => SqlValues.AsString(token)!.GetHashCode(),
        var type => type.GetHashCode(),
    };
}
