using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>Binary operators with Cosmos DB's three-valued logic: type mismatches and undefined operands give undefined.</summary>
internal static class SqlOperators
{
    public static readonly IReadOnlySet<string> Comparisons = new HashSet<string> { "=", "!=", "<>", "<", "<=", ">", ">=" };

    public static JToken? Apply(string op, JToken? left, JToken? right) => op switch
    {
        "=" => Boolean(SqlValues.Equal(left, right)),
        // As documented for Cosmos DB, != is a range comparison: undefined between two arrays or two objects.
        "!=" or "<>" => Range(left, right, order => order != 0),
        "<" => Range(left, right, order => order < 0),
        "<=" => Range(left, right, order => order <= 0),
        ">" => Range(left, right, order => order > 0),
        ">=" => Range(left, right, order => order >= 0),
        "AND" => And(SqlValues.AsBoolean(left), SqlValues.AsBoolean(right)),
        "OR" => Or(SqlValues.AsBoolean(left), SqlValues.AsBoolean(right)),
        "??" => left ?? right,
        "||" => SqlValues.AsString(left) is { } first && SqlValues.AsString(right) is { } second ? new JValue(first + second) : null,
        _ => Arithmetic(op, SqlValues.AsNumber(left), SqlValues.AsNumber(right)),
    };

    private static JToken? Boolean(bool? value) => value is { } known ? SqlValues.Boolean(known) : null;

    private static JToken? Range(JToken? left, JToken? right, Func<int, bool> accept) =>
        SqlValues.CompareForRange(left, right) is { } order ? SqlValues.Boolean(accept(order)) : null;

    private static JToken? And(bool? left, bool? right) =>
        left == false || right == false ? SqlValues.False : left == true && right == true ? SqlValues.True : null;

    private static JToken? Or(bool? left, bool? right) =>
        left == true || right == true ? SqlValues.True : left == false && right == false ? SqlValues.False : null;

    private static JToken? Arithmetic(string op, double? left, double? right)
    {
        if (left is not { } a || right is not { } b) return null;
        var result = op switch
        {
            "+" => a + b,
            "-" => a - b,
            "*" => a * b,
            "/" => a / b,
            "%" => a % b,
            _ => throw new InvalidOperationException($"Unknown operator {op}."),
        };
        return double.IsFinite(result) ? SqlValues.Number(result) : null;
    }
}
