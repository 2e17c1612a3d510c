using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>One end of a range on the leading sort key: a value, and whether the value itself is in the range.</summary>
internal sealed record SortKeyBound(JToken Value, bool Inclusive);

/// <summary>
/// The range a query's WHERE puts on its leading ORDER BY key, so an index walk can start at the lower bound and stop
/// past the upper one, as the service's range index does. Only comparisons of the key with a literal or a parameter
/// that are conjuncts of the whole filter count: each must hold for a row to match, so skipping what lies outside
/// one never drops a result. A comparison across types is undefined in Cosmos SQL, so the type order of the index
/// keeps every row of another type outside the range too.
/// </summary>
internal sealed record SortKeyBounds(SortKeyBound? Lower, SortKeyBound? Upper)
{
    public static readonly SortKeyBounds None = new(null, null);

    public static SortKeyBounds Of(SqlExpression? where, SqlExpression sortKey, IReadOnlyDictionary<string, JToken> parameters)
    {
        var bounds = None;
        foreach (var comparison in Conjuncts(where).OfType<BinaryExpression>())
            bounds = Bound(comparison, sortKey, parameters) is { } bound ? bounds.Narrow(bound) : bounds;
        return bounds;
    }

    private SortKeyBounds Narrow((SortKeyBound Bound, bool IsLower) side) => side.IsLower
        ? this with { Lower = Lower is null || Tighter(side.Bound, Lower, sign: 1) ? side.Bound : Lower }
        : this with { Upper = Upper is null || Tighter(side.Bound, Upper, sign: -1) ? side.Bound : Upper };

    private static bool Tighter(SortKeyBound candidate, SortKeyBound current, int sign)
    {
        var order = sign * SqlValues.CompareForSort(candidate.Value, current.Value);
        return order > 0 || (order == 0 && !candidate.Inclusive);
    }

    private static IEnumerable<SqlExpression> Conjuncts(SqlExpression? where) => where switch
    {
        null => [],
        BinaryExpression { Operator: "AND" } and => Conjuncts(and.Left).Concat(Conjuncts(and.Right)),
        _ => [where],
    };

    /// <summary><c>key op value</c> or <c>value op key</c>, read as a bound on the key; <c>null</c> for anything else.</summary>
    private static (SortKeyBound Bound, bool IsLower)? Bound(BinaryExpression comparison, SqlExpression sortKey, IReadOnlyDictionary<string, JToken> parameters)
    {
        var (op, value) = comparison.Left == sortKey ? (comparison.Operator, comparison.Right)
            : comparison.Right == sortKey ? (Mirrored(comparison.Operator), comparison.Left)
            : (null, null);
        var constant = value switch
        {
            LiteralExpression literal => literal.Value,
            ParameterExpression parameter when parameters.TryGetValue(parameter.Name, out var given) && given.Type != JTokenType.Undefined => given,
            _ => null,
        };
        if (constant is null) return null;
        return op switch
        {
            ">" => (new(constant, false), true),
            ">=" => (new(constant, true), true),
            "<" => (new(constant, false), false),
            "<=" => (new(constant, true), false),
            _ => null,
        };
    }

    private static string? Mirrored(string op) => op switch { ">" => "<", ">=" => "<=", "<" => ">", "<=" => ">=", _ => op };
}
