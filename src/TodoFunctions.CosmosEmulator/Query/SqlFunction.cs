using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>A supported built-in scalar function; arity is checked when the query is parsed.</summary>
internal sealed record SqlFunction(string Name, int MinArguments, int MaxArguments, Func<JToken?[], JToken?> Invoke)
{
    private static readonly Dictionary<string, SqlFunction> ByName = new SqlFunction[]
    {
        new("IS_DEFINED", 1, 1, a => SqlValues.Boolean(a[0] is not null)),
        new("IS_NULL", 1, 1, a => SqlValues.Boolean(SqlValues.TypeOf(a[0]) == SqlType.Null)),
        new("IS_BOOL", 1, 1, a => SqlValues.Boolean(SqlValues.TypeOf(a[0]) == SqlType.Boolean)),
        new("IS_NUMBER", 1, 1, a => SqlValues.Boolean(SqlValues.TypeOf(a[0]) == SqlType.Number)),
        new("IS_STRING", 1, 1, a => SqlValues.Boolean(SqlValues.TypeOf(a[0]) == SqlType.String)),
        new("IS_ARRAY", 1, 1, a => SqlValues.Boolean(SqlValues.TypeOf(a[0]) == SqlType.Array)),
        new("IS_OBJECT", 1, 1, a => SqlValues.Boolean(SqlValues.TypeOf(a[0]) == SqlType.Object)),
        new("STARTSWITH", 2, 3, a => StringTest(a, (s, p, comparison) => s.StartsWith(p, comparison))),
        new("ENDSWITH", 2, 3, a => StringTest(a, (s, p, comparison) => s.EndsWith(p, comparison))),
        new("CONTAINS", 2, 3, a => StringTest(a, (s, p, comparison) => s.Contains(p, comparison))),
        new("LOWER", 1, 1, a => SqlValues.AsString(a[0]) is { } s ? new JValue(s.ToLowerInvariant()) : null),
        new("UPPER", 1, 1, a => SqlValues.AsString(a[0]) is { } s ? new JValue(s.ToUpperInvariant()) : null),
        new("LENGTH", 1, 1, a => SqlValues.AsString(a[0]) is { } s ? SqlValues.Number(s.Length) : null),
        new("ARRAY_LENGTH", 1, 1, a => a[0] is JArray array ? SqlValues.Number(array.Count) : null),
        new("ARRAY_CONTAINS", 2, 3, ArrayContains),
    }.Concat(SqlMathFunctions.All).Concat(SqlStringFunctions.All).Concat(SqlConversionFunctions.All).ToDictionary(function => function.Name, StringComparer.OrdinalIgnoreCase);

    public static SqlFunction? Find(string name) => ByName.GetValueOrDefault(name);

    private static JToken? StringTest(JToken?[] arguments, Func<string, string, StringComparison, bool> test)
    {
        if (SqlValues.AsString(arguments[0]) is not { } text || SqlValues.AsString(arguments[1]) is not { } pattern) return null;
        if (OptionalFlag(arguments) is not { } ignoreCase) return null;
        return SqlValues.Boolean(test(text, pattern, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
    }

    /// <summary>The optional boolean third argument (ignore case, partial match); <c>null</c> when it is not a boolean, which makes the call undefined.</summary>
    private static bool? OptionalFlag(JToken?[] arguments) => arguments.Length < 3 ? false : SqlValues.AsBoolean(arguments[2]);

    private static JToken? ArrayContains(JToken?[] arguments)
    {
        if (arguments[0] is not JArray array || OptionalFlag(arguments) is not { } partial) return null;
        var sought = arguments[1];
        return SqlValues.Boolean(array.Any(element => partial && element is JObject candidate && sought is JObject pattern
            ? pattern.Properties().All(p => SqlValues.AreEqual(candidate[p.Name], p.Value))
            : SqlValues.AreEqual(element, sought)));
    }
}
