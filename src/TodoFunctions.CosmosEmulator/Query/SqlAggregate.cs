using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>A supported aggregate function: it folds the values of its argument over all matching documents (undefined
/// ones are skipped). Of an array or object value it reads only the type: a query hands it empty ones in their place.</summary>
internal sealed record SqlAggregate(string Name, Func<IReadOnlyList<JToken>, JToken?> Compute)
{
    private static readonly Dictionary<string, SqlAggregate> ByName = new SqlAggregate[]
    {
        new("COUNT", values => SqlValues.Number(values.Count)),
        new("SUM", values => Numbers(values) is { } numbers ? SqlValues.Number(numbers.Sum()) : null),
        new("AVG", values => Numbers(values) is { Count: > 0 } numbers ? SqlValues.Number(numbers.Average()) : null),
        new("MIN", values => Extreme(values, pickLower: true)),
        new("MAX", values => Extreme(values, pickLower: false)),
    }.ToDictionary(aggregate => aggregate.Name, StringComparer.OrdinalIgnoreCase);

    public static SqlAggregate? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>SUM and AVG are undefined as soon as one defined value is not a number.</summary>
    private static List<double>? Numbers(IReadOnlyList<JToken> values)
    {
        var numbers = values.Select(SqlValues.AsNumber).ToList();
        return numbers.All(n => n is not null) ? numbers.Select(n => n!.Value).ToList() : null;
    }

    /// <summary>MIN and MAX follow the ORDER BY type order across primitive values; arrays and objects make them undefined.</summary>
    private static JToken? Extreme(IReadOnlyList<JToken> values, bool pickLower)
    {
        if (values.Any(v => SqlValues.TypeOf(v) is SqlType.Array or SqlType.Object)) return null;
        JToken? best = null;
        foreach (var value in values)
        {
            var order = SqlValues.CompareForSort(value, best);
            if (best is null || (pickLower ? order < 0 : order > 0)) best = value;
        }
        return best;
    }
}
