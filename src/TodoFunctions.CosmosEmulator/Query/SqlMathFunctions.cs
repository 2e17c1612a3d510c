using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>The numeric built-ins: undefined for an argument that is not a number, and for a result that is not finite.</summary>
internal static class SqlMathFunctions
{
    public static IEnumerable<SqlFunction> All =>
    [
        Unary("ABS", Math.Abs),
        Unary("CEILING", Math.Ceiling),
        Unary("FLOOR", Math.Floor),
        Unary("TRUNC", Math.Truncate),
        Unary("ROUND", x => Math.Round(x, MidpointRounding.AwayFromZero)),
        Unary("SIGN", x => Math.Sign(x)),
        Unary("SQRT", Math.Sqrt),
        Unary("SQUARE", x => x * x),
        Unary("EXP", Math.Exp),
        Unary("LOG10", Math.Log10),
        Unary("DEGREES", x => x * 180 / Math.PI),
        Unary("RADIANS", x => x * Math.PI / 180),
        Unary("SIN", Math.Sin),
        Unary("COS", Math.Cos),
        Unary("TAN", Math.Tan),
        Unary("COT", x => 1 / Math.Tan(x)),
        Unary("ASIN", Math.Asin),
        Unary("ACOS", Math.Acos),
        Unary("ATAN", Math.Atan),
        Binary("ATN2", Math.Atan2),
        Binary("POWER", Math.Pow),
        new("LOG", 1, 2, a => Finite(a.Length == 1 ? Number(a[0]) is { } x ? Math.Log(x) : null : Number(a[0]) is { } y && Number(a[1]) is { } b ? Math.Log(y, b) : null)),
        new("PI", 0, 0, _ => SqlValues.Number(Math.PI)),
        new("IS_FINITE_NUMBER", 1, 1, a => SqlValues.Boolean(Number(a[0]) is { } x && double.IsFinite(x))),
        Integers("INTADD", (x, y) => checked(x + y)),
        Integers("INTSUB", (x, y) => checked(x - y)),
        Integers("INTMUL", (x, y) => checked(x * y)),
        Integers("INTDIV", (x, y) => y == 0 ? null : x / y),
        Integers("INTMOD", (x, y) => y == 0 ? null : x % y),
    ];

    private static double? Number(JToken? value) => SqlValues.AsNumber(value);

    private static JToken? Finite(double? result) => result is { } value && double.IsFinite(value) ? SqlValues.Number(value) : null;

    private static SqlFunction Unary(string name, Func<double, double> compute) =>
        new(name, 1, 1, a => Finite(Number(a[0]) is { } x ? compute(x) : null));

    private static SqlFunction Binary(string name, Func<double, double, double> compute) =>
        new(name, 2, 2, a => Finite(Number(a[0]) is { } x && Number(a[1]) is { } y ? compute(x, y) : null));

    /// <summary>The Int* functions take 64-bit integers only; anything else, an overflow or a zero divisor gives undefined.</summary>
    private static SqlFunction Integers(string name, Func<long, long, long?> compute) => new(name, 2, 2, a =>
    {
        if (Integer(a[0]) is not { } x || Integer(a[1]) is not { } y) return null;
        try
        {
            return compute(x, y) is { } result ? new JValue(result) : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    });

    private static long? Integer(JToken? value) =>
        Number(value) is { } x && double.IsInteger(x) && x >= long.MinValue && x < long.MaxValue ? (long)x : null;
}
