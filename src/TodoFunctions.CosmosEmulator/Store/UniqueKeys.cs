using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Server;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// A container's <c>uniqueKeyPolicy</c>: each unique key is a set of paths whose values, taken together, no two
/// items of one logical partition may share. A missing value counts as null, so only one item per partition may
/// lack it, as in the service.
/// </summary>
internal sealed class UniqueKeys
{
    private readonly IReadOnlyList<string[][]> keys;

    private UniqueKeys(IReadOnlyList<string[][]> keys) => this.keys = keys;

    public static UniqueKeys FromContainer(JObject container) =>
        new([.. (container["uniqueKeyPolicy"]?["uniqueKeys"] as JArray ?? [])
            .Select(key => (key["paths"] as JArray ?? [])
                .Select(path => path.Value<string>()!.Split('/', StringSplitOptions.RemoveEmptyEntries))
                .ToArray())
            .Where(paths => paths.Length > 0)]);

    /// <summary>Whether two container bodies declare the same unique keys (the service never changes them after creation).</summary>
    public static bool Same(JObject container, JObject other) =>
        FromContainer(container).keys.SequenceEqual(FromContainer(other).keys, KeyComparer.Instance);

    /// <summary>Refuses <paramref name="candidate"/> with 409 when an item of its partition other than itself has
    /// the same values on every path of some unique key.</summary>
    public void Verify(JObject candidate, string id, IEnumerable<JObject> partition)
    {
        if (keys.Count == 0)
            return;
        var others = partition.Where(other => other.Value<string>("id") != id).ToList();
        if (keys.Any(paths => others.Any(other => paths.All(path => JToken.DeepEquals(ValueAt(candidate, path), ValueAt(other, path))))))
            throw GatewayException.Conflict("Unique index constraint violation.");
    }

    private static JToken ValueAt(JObject document, string[] path)
    {
        JToken? value = document;
        foreach (var segment in path)
            value = (value as JObject)?[segment];
        return value ?? JValue.CreateNull();
    }

    private sealed class KeyComparer : IEqualityComparer<string[][]>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(string[][]? x, string[][]? y) =>
            x is not null && y is not null && x.Select(Joined).SequenceEqual(y.Select(Joined));

        public int GetHashCode(string[][] key) => key.Length;

        private static string Joined(string[] path) => "/" + string.Join('/', path);
    }
}
