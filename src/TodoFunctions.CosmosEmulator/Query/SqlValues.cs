using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>The kinds of value Cosmos DB SQL distinguishes, declared in Cosmos DB's ORDER BY type order.</summary>
internal enum SqlType { Undefined, Null, Boolean, Number, String, Array, Object }

/// <summary>
/// Cosmos DB value semantics over Newtonsoft tokens. A C# <c>null</c> token stands for <c>undefined</c> (a missing
/// property or a failed operation); JSON <c>null</c> is a <see cref="JValue"/> of type Null.
/// </summary>
internal static class SqlValues
{
    public static readonly JToken True = new JValue(true);
    public static readonly JToken False = new JValue(false);

    public static SqlType TypeOf(JToken? value) => value?.Type switch
    {
        null or JTokenType.Undefined => SqlType.Undefined,
        JTokenType.Null => SqlType.Null,
        JTokenType.Boolean => SqlType.Boolean,
        JTokenType.Integer or JTokenType.Float => SqlType.Number,
        JTokenType.String or JTokenType.Date or JTokenType.Guid or JTokenType.Uri or JTokenType.TimeSpan => SqlType.String,
        JTokenType.Array => SqlType.Array,
        JTokenType.Object => SqlType.Object,
        var other => throw new CosmosSqlException($"Values of JSON type {other} are not supported."),
    };

    public static JToken Boolean(bool value) => value ? True : False;

    /// <summary>Cosmos DB numbers are doubles; integral results are written without a fraction, as Cosmos DB does.</summary>
    public static JToken Number(double value) =>
        double.IsInteger(value) && Math.Abs(value) <= 9007199254740992d ? new JValue((long)value) : new JValue(value);

    public static bool? AsBoolean(JToken? value) => TypeOf(value) == SqlType.Boolean ? value!.Value<bool>() : null;

    public static double? AsNumber(JToken? value) => TypeOf(value) == SqlType.Number ? value!.Value<double>() : null;

    /// <summary>Dates and other string-like tokens (from a reader that parses dates) compare as the text they were read from.</summary>
    public static string? AsString(JToken? value) => TypeOf(value) != SqlType.String
        ? null
        : value!.Type == JTokenType.String ? value.Value<string>()! : value.ToString(Formatting.None).Trim('"');

    /// <summary>Equality as Cosmos DB's <c>=</c>: <c>null</c> (undefined) when the operands differ in type or one is undefined.</summary>
    public static bool? Equal(JToken? left, JToken? right)
    {
        var type = TypeOf(left);
        if (type == SqlType.Undefined || type != TypeOf(right)) return null;
        return AreEqual(left, right);
    }

    /// <summary>Deep equality of two defined values; values of different types are simply not equal.</summary>
    public static bool AreEqual(JToken? left, JToken? right)
    {
        var type = TypeOf(left);
        if (type != TypeOf(right)) return false;
        return type switch
        {
            SqlType.Undefined or SqlType.Null => true,
            SqlType.Boolean => AsBoolean(left) == AsBoolean(right),
            SqlType.Number => AsNumber(left) == AsNumber(right),
            SqlType.String => AsString(left) == AsString(right),
            SqlType.Array => left!.Count() == right!.Count() && left!.Zip(right!).All(pair => AreEqual(pair.First, pair.Second)),
            _ => ObjectsEqual((JObject)left!, (JObject)right!),
        };
    }

    private static bool ObjectsEqual(JObject left, JObject right) =>
        left.Count == right.Count && left.Properties().All(p => right.TryGetValue(p.Name, out var other) && AreEqual(p.Value, other));

    /// <summary>Range comparison as Cosmos DB's <c>&lt;</c> family: defined only between two numbers, two strings, two booleans or two nulls.</summary>
    public static int? CompareForRange(JToken? left, JToken? right)
    {
        var type = TypeOf(left);
        if (type != TypeOf(right) || type is SqlType.Undefined or SqlType.Array or SqlType.Object) return null;
        return CompareSameType(type, left, right);
    }

    /// <summary>The total order of ORDER BY, MIN and MAX: by <see cref="SqlType"/> first, then by value within a type.</summary>
    public static int CompareForSort(JToken? left, JToken? right)
    {
        var leftType = TypeOf(left);
        var rightType = TypeOf(right);
        return leftType != rightType ? leftType.CompareTo(rightType) : CompareSameType(leftType, left, right);
    }

    private static int CompareSameType(SqlType type, JToken? left, JToken? right) => type switch
    {
        SqlType.Undefined or SqlType.Null => 0,
        SqlType.Boolean => AsBoolean(left)!.Value.CompareTo(AsBoolean(right)!.Value),
        SqlType.Number => AsNumber(left)!.Value.CompareTo(AsNumber(right)!.Value),
        SqlType.String => string.CompareOrdinal(AsString(left), AsString(right)),
        // Cosmos DB orders arrays and objects among themselves by an internal hash; any stable order is as good.
        _ => string.CompareOrdinal(left!.ToString(Formatting.None), right!.ToString(Formatting.None)),
    };
}
