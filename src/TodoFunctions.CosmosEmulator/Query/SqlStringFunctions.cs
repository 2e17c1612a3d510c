using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>The string, array and conditional built-ins beyond the basic set; undefined whenever an argument has the wrong type.</summary>
internal static class SqlStringFunctions
{
    public static IEnumerable<SqlFunction> All =>
    [
        new("CONCAT", 2, int.MaxValue, a => a.Select(SqlValues.AsString).ToList() is var parts && parts.All(p => p is not null) ? new JValue(string.Concat(parts)) : null),
        new("LEFT", 2, 2, a => Text(a[0]) is { } s && Count(a[1]) is { } n ? new JValue(s[..Math.Min(n, s.Length)]) : null),
        new("RIGHT", 2, 2, a => Text(a[0]) is { } s && Count(a[1]) is { } n ? new JValue(s[^Math.Min(n, s.Length)..]) : null),
        new("SUBSTRING", 3, 3, Substring),
        new("REPLACE", 3, 3, a => Text(a[0]) is { } s && Text(a[1]) is { Length: > 0 } find && Text(a[2]) is { } with ? new JValue(s.Replace(find, with, StringComparison.Ordinal)) : null),
        new("REPLICATE", 2, 2, a => Text(a[0]) is { } s && Count(a[1]) is { } n ? new JValue(string.Concat(Enumerable.Repeat(s, n))) : null),
        new("REVERSE", 1, 1, a => Text(a[0]) is { } s ? new JValue(new string(s.Reverse().ToArray())) : null),
        new("INDEX_OF", 2, 3, IndexOf),
        new("LTRIM", 1, 2, a => Trim(a, (s, chars) => chars is null ? s.TrimStart() : s.TrimStart(chars))),
        new("RTRIM", 1, 2, a => Trim(a, (s, chars) => chars is null ? s.TrimEnd() : s.TrimEnd(chars))),
        new("TRIM", 1, 2, a => Trim(a, (s, chars) => chars is null ? s.Trim() : s.Trim(chars))),
        new("STRINGEQUALS", 2, 3, a => Text(a[0]) is { } x && Text(a[1]) is { } y && (a.Length < 3 ? false : SqlValues.AsBoolean(a[2])) is { } ignoreCase
            ? SqlValues.Boolean(string.Equals(x, y, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            : null),
        new("IS_PRIMITIVE", 1, 1, a => SqlValues.Boolean(SqlValues.TypeOf(a[0]) is SqlType.Null or SqlType.Boolean or SqlType.Number or SqlType.String)),
        new("IIF", 3, 3, a => SqlValues.AsBoolean(a[0]) == true ? a[1] : a[2]),
        new("CHOOSE", 2, int.MaxValue, a => Count(a[0]) is { } index && index >= 1 && index < a.Length ? a[index] : null),
        new("ARRAY_CONCAT", 2, int.MaxValue, a => a.All(item => item is JArray) ? new JArray(a.SelectMany(item => item!)) : null),
        new("ARRAY_SLICE", 2, 3, ArraySlice),
    ];

    private static string? Text(JToken? value) => SqlValues.AsString(value);

    /// <summary>A non-negative integer argument (a length, a count, a position).</summary>
    private static int? Count(JToken? value) =>
        SqlValues.AsNumber(value) is { } x && double.IsInteger(x) && x is >= 0 and <= int.MaxValue ? (int)x : null;

    private static int? Integer(JToken? value) =>
        SqlValues.AsNumber(value) is { } x && double.IsInteger(x) && x is >= int.MinValue and <= int.MaxValue ? (int)x : null;

    private static JToken? Substring(JToken?[] a)
    {
        if (Text(a[0]) is not { } s || Count(a[1]) is not { } start || Integer(a[2]) is not { } length) return null;
        if (start >= s.Length || length <= 0) return new JValue("");
        return new JValue(s.Substring(start, Math.Min(length, s.Length - start)));
    }

    private static JToken? IndexOf(JToken?[] a)
    {
        if (Text(a[0]) is not { } s || Text(a[1]) is not { } sought) return null;
        var start = a.Length < 3 ? 0 : Count(a[2]);
        if (start is null) return null;
        return SqlValues.Number(start > s.Length ? -1 : s.IndexOf(sought, start.Value, StringComparison.Ordinal));
    }

    /// <summary>Without a second argument whitespace is trimmed; with one, any of its characters (none when it is empty).</summary>
    private static JToken? Trim(JToken?[] a, Func<string, char[]?, string> trim)
    {
        if (Text(a[0]) is not { } s) return null;
        if (a.Length < 2) return new JValue(trim(s, null));
        return Text(a[1]) is { } chars ? new JValue(chars.Length == 0 ? s : trim(s, chars.ToCharArray())) : null;
    }

    private static JToken? ArraySlice(JToken?[] a)
    {
        if (a[0] is not JArray array || Integer(a[1]) is not { } start) return null;
        var from = start < 0 ? Math.Max(0, array.Count + start) : Math.Min(start, array.Count);
        var length = a.Length < 3 ? array.Count - from : Integer(a[2]);
        if (length is null) return null;
        return new JArray(array.Skip(from).Take(Math.Max(0, length.Value)));
    }
}
