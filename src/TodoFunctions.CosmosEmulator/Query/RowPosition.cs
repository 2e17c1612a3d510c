using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>Where a row stands in a query's result order: its ORDER BY values (<c>null</c> for undefined), then the
/// resource id of the document it came from, which makes the order total and stable across requests.</summary>
internal sealed record RowPosition(IReadOnlyList<JToken?> SortKeys, string? Rid);

internal sealed record QueryRow(JToken Value, RowPosition Position);

/// <summary>A query's rows in result order, before DISTINCT and the row-count clauses, which <see cref="QueryCursor"/> applies page by page.</summary>
internal sealed record OrderedRows(IEnumerable<QueryRow> Rows, PositionOrder Order, int Skip, int Take, bool Distinct)
{
    /// <summary>A feed read without a query: every resource in scope, in resource id order.</summary>
    public static OrderedRows Feed(IEnumerable<JToken> resources) => new(
        [.. resources.Select(resource => new QueryRow(resource, new RowPosition([], resource.Value<string>("_rid")))).OrderBy(row => row.Position, PositionOrder.Unordered)],
        PositionOrder.Unordered, 0, int.MaxValue, false);
}

/// <summary>
/// The result order: ORDER BY keys with their directions, then resource ids in creation order (the order the
/// service returns an unordered query in). Rows without a resource id tie, so a stable sort keeps their input order.
/// </summary>
internal sealed class PositionOrder(IReadOnlyList<bool> descending) : IComparer<RowPosition>
{
    public static readonly PositionOrder Unordered = new([]);

    public int Compare(RowPosition? left, RowPosition? right)
    {
        for (var i = 0; i < descending.Count; i++)
        {
            var order = SqlValues.CompareForSort(left!.SortKeys[i], right!.SortKeys[i]);
            if (order != 0) return descending[i] ? -order : order;
        }
        return CompareRids(left!.Rid, right!.Rid);
    }

    /// <summary>A resource id ends with its little-endian creation number, so comparing from the last byte back orders by creation.</summary>
    private static int CompareRids(string? left, string? right)
    {
        if (left is null || right is null) return 0;
        var (a, b) = (Decode(left), Decode(right));
        if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
        for (var i = a.Length - 1; i >= 0; i--)
            if (a[i] != b[i]) return a[i].CompareTo(b[i]);
        return 0;
    }

    private static byte[] Decode(string rid) => Convert.FromBase64String(rid.Replace('-', '/'));
}
