using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>
/// How far a paged query has got: the position of the last row it passed (returned, or skipped by OFFSET), how
/// many rows OFFSET has skipped and TOP/LIMIT has counted, and the values DISTINCT has already returned. Resuming
/// after a position rather than at an offset keeps every row that exists throughout on exactly one page while
/// other items are inserted or deleted.
/// </summary>
internal sealed record QueryCursor(RowPosition? After, int Skipped, int Taken, IReadOnlySet<string> DistinctValues, int Page)
{
    public static QueryCursor Start { get; } = new(null, 0, 0, new HashSet<string>(), 0);

    /// <summary>The next page of at most <paramref name="maxItems"/> results, and the cursor after it, or <c>null</c> when no result remains.</summary>
    public (IReadOnlyList<JToken> Page, QueryCursor? Next) NextPage(OrderedRows rows, int maxItems)
    {
        var page = new List<JToken>();
        var distinctValues = new HashSet<string>(DistinctValues, StringComparer.Ordinal);
        var (after, skipped, taken) = (After, Skipped, Taken);
        foreach (var row in rows.Rows)
        {
            if (After is not null && rows.Order.Compare(row.Position, After) <= 0) continue;
            var distinctKey = rows.Distinct ? DistinctKey(row.Value) : null;
            if (distinctKey is not null && distinctValues.Contains(distinctKey)) continue;
            if (taken == rows.Take) break;
            if (skipped < rows.Skip) skipped++;
            else if (page.Count == maxItems) return (page, new QueryCursor(after, skipped, taken, distinctValues, Page + 1));
            else
            {
                page.Add(row.Value);
                taken++;
            }
            if (distinctKey is not null) distinctValues.Add(distinctKey);
            after = row.Position;
        }
        return (page, null);
    }

    /// <summary>A short digest of a value that equal values share (1 and 1.0, objects whose properties differ only in order).</summary>
    private static string DistinctKey(JToken value) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(value))), 0, 12);

    private static string Canonical(JToken? value) => SqlValues.TypeOf(value) switch
    {
        SqlType.Number => "n" + SqlValues.AsNumber(value)!.Value.ToString("R", CultureInfo.InvariantCulture),
        SqlType.String => JsonConvert.ToString(SqlValues.AsString(value)),
        SqlType.Array => "[" + string.Join(",", value!.Select(Canonical)) + "]",
        SqlType.Object => "{" + string.Join(",", ((JObject)value!).Properties()
            .OrderBy(property => property.Name, StringComparer.Ordinal)
            .Select(property => JsonConvert.ToString(property.Name) + ":" + Canonical(property.Value))) + "}",
        var type => type + ":" + value,
    };
}
