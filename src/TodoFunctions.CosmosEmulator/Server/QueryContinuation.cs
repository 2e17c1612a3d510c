using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Query;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// The continuation token of a query or feed page: a <see cref="QueryCursor"/> as base64 JSON. The SDK treats it as
/// opaque and sends it back as is; a token this emulator did not issue is refused with 400.
/// </summary>
internal static class QueryContinuation
{
    private const string Version = "emulator-position-1";

    /// <summary>The token of the next page; <paramref name="wholeContainer"/> marks a query evaluated over the whole
    /// container (see <see cref="QueryRangePlan"/>), so a range that inherits the token after a split knows.</summary>
    public static string Write(QueryCursor cursor, bool wholeContainer = false)
    {
        var json = new JObject
        {
            ["v"] = Version,
            ["whole"] = wholeContainer,
            ["page"] = cursor.Page,
            ["skipped"] = cursor.Skipped,
            ["taken"] = cursor.Taken,
            ["distinct"] = new JArray(cursor.DistinctValues),
        };
        if (cursor.After is { } after)
        {
            // An undefined sort key has no JSON form, so each key is wrapped: {} for undefined, {"v": value} otherwise.
            json["after"] = new JArray(after.SortKeys.Select(key => key is null ? new JObject() : new JObject { ["v"] = key.DeepClone() }));
            json["rid"] = after.Rid;
        }
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToString(Formatting.None)));
    }

    public static QueryCursor Read(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return QueryCursor.Start;
        try
        {
            var json = JObject.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)));
            if (json.Value<string>("v") != Version) throw NotIssuedHere(token);
            var after = json["after"] is JArray keys
                ? new RowPosition([.. keys.Cast<JObject>().Select(key => key["v"])], json.Value<string>("rid"))
                : null;
            return new QueryCursor(
                after,
                NonNegative(json, "skipped"),
                NonNegative(json, "taken"),
                (json["distinct"] as JArray ?? throw NotIssuedHere(token)).Values<string>().OfType<string>().ToHashSet(StringComparer.Ordinal),
                NonNegative(json, "page"));
        }
        catch (Exception garbled) when (garbled is FormatException or JsonException or InvalidCastException or ArgumentException)
        {
            throw NotIssuedHere(token);
        }
    }

    /// <summary>Whether the token continues a query evaluated over the whole container; a garbled token is not (and
    /// <see cref="Read"/> refuses it).</summary>
    public static bool IsWholeContainer(string? token)
    {
        try
        {
            return !string.IsNullOrEmpty(token) && JObject.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token))).Value<bool?>("whole") == true;
        }
        catch (Exception garbled) when (garbled is FormatException or JsonException or InvalidCastException or ArgumentException)
        {
            return false;
        }
    }

    private static int NonNegative(JObject json, string name) =>
        json.Value<int?>(name) is { } value && value >= 0 ? value : throw new FormatException($"'{name}' is missing or negative.");

    private static GatewayException NotIssuedHere(string token) =>
        GatewayException.BadRequest($"The continuation token '{token}' was not issued by this emulator.");
}
