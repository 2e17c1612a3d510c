using System.Text;
using System.Text.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;
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

    /// <summary>The values <paramref name="document"/> has on every path of every unique key, in the policy's order,
    /// detached from it: an item keeps them so that a write is checked without parsing its partition, and they must
    /// not keep the parsed item alive. Empty when the container has no unique key.</summary>
    // Replay asks once per document, a write once per item. The lambdas are in methods of their own: a lambda capturing
    // a parameter allocates its closure as the method starts, even when the container has no unique key.
    public IReadOnlyList<JToken> ValuesOf(DocumentJson document) => keys.Count == 0 ? [] : ValuesAt(document.Utf8);

    /// <inheritdoc cref="ValuesOf(DocumentJson)"/>
    public IReadOnlyList<JToken> ValuesOf(JObject document) => keys.Count == 0 ? [] : ValuesAt(document);

    private JToken[] ValuesAt(byte[] document) => [.. Paths.Select(path => ValueAt(document, path))];

    private JToken[] ValuesAt(JObject document) => [.. Paths.Select(path => ValueAt(document, path).DeepClone())];

    private IEnumerable<string[]> Paths => keys.SelectMany(paths => paths);

    /// <summary>Refuses <paramref name="candidate"/> with 409 when an item of its partition other than itself (given
    /// by its id and <see cref="ValuesOf"/>) has the same values on every path of some unique key.</summary>
    public void Verify(JObject candidate, string id, IEnumerable<(string Id, IReadOnlyList<JToken> Values)> partition)
    {
        if (keys.Count > 0 && Conflicts(candidate, id, partition))
            throw GatewayException.Conflict("Unique index constraint violation.");
    }

    private bool Conflicts(JObject candidate, string id, IEnumerable<(string Id, IReadOnlyList<JToken> Values)> partition)
    {
        var values = Paths.Select(path => ValueAt(candidate, path)).ToList();
        return partition.Any(other => other.Id != id && SharesAKey(values, other.Values));
    }

    private bool SharesAKey(IReadOnlyList<JToken> values, IReadOnlyList<JToken> other)
    {
        var first = 0;
        foreach (var paths in keys)
        {
            if (Enumerable.Range(first, paths.Length).All(index => JToken.DeepEquals(values[index], other[index])))
                return true;
            first += paths.Length;
        }
        return false;
    }

    private static JToken ValueAt(JObject document, string[] path)
    {
        JToken? value = document;
        foreach (var segment in path)
            value = (value as JObject)?[segment];
        return value ?? JValue.CreateNull();
    }

    // Walks the JSON text to the value without building the document's tree; only the value is parsed.
    private static JToken ValueAt(byte[] document, string[] path)
    {
        var reader = new Utf8JsonReader(document, new JsonReaderOptions { MaxDepth = 256 });
        reader.Read();
        foreach (var segment in path)
        {
            if (reader.TokenType != JsonTokenType.StartObject || !MoveToProperty(ref reader, segment))
                return JValue.CreateNull();
        }
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return Json.Parse(Encoding.UTF8.GetString(document, start, (int)reader.BytesConsumed - start));
    }

    // From an object's start to the value of its property <paramref name="name"/>, if it has one.
    private static bool MoveToProperty(ref Utf8JsonReader reader, string name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var found = reader.ValueTextEquals(name);
            reader.Read();
            if (found)
                return true;
            reader.Skip();
        }
        return false;
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
