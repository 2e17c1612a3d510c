using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>An ORDER BY key as the index sees it: a document path such as <c>/name/last</c>, and its direction.</summary>
internal sealed record SortPath(string Path, bool Descending);

/// <summary>
/// What the service demands of ORDER BY: every key is a document path, and two or more keys are served only by a
/// composite index of the container's indexing policy with exactly those paths, in that sequence and number, whose
/// directions are all the same as the query's or all reversed. Messages are the service's own.
/// </summary>
internal static class OrderByIndexRule
{
    public const string NotADocumentPath = "Unsupported ORDER BY clause. ORDER BY item expression could not be mapped to a document path.";
    public const string NoCompositeIndex = "The order by query does not have a corresponding composite index that it can be served from.";

    /// <summary>The document path a sort key reads, e.g. <c>c.name.last</c> or <c>c.tags[0]</c>; anything computed is refused.</summary>
    public static SortPath PathOf(SortKey key)
    {
        var segments = new Stack<string>();
        var expression = key.Expression;
        while (true)
        {
            switch (expression)
            {
                case PropertyExpression property:
                    segments.Push(property.Name);
                    expression = property.Target;
                    continue;
                case IndexExpression { Index: LiteralExpression { Value.Type: JTokenType.Integer } index } element:
                    segments.Push(index.Value.ToString());
                    expression = element.Target;
                    continue;
                case AliasExpression when segments.Count > 0:
                    return new SortPath("/" + string.Join("/", segments), key.Descending);
                default:
                    throw new CosmosSqlException(NotADocumentPath);
            }
        }
    }

    /// <summary>Refuses a query on two or more keys that no composite index of <paramref name="indexingPolicy"/> serves.</summary>
    public static void Check(IReadOnlyList<SortPath> keys, JToken? indexingPolicy)
    {
        if (keys.Count < 2) return;
        var compositeIndexes = (indexingPolicy?["compositeIndexes"] as JArray ?? []).OfType<JArray>();
        if (!compositeIndexes.Any(index => Serves(index, keys)))
            throw new CosmosSqlException(NoCompositeIndex);
    }

    private static bool Serves(JArray index, IReadOnlyList<SortPath> keys)
    {
        var paths = index.OfType<JObject>().Select(IndexedPath).ToList();
        if (paths.Count != keys.Count || !paths.Select(p => p.Path).SequenceEqual(keys.Select(k => k.Path), StringComparer.Ordinal))
            return false;
        var directions = paths.Zip(keys, (indexed, key) => indexed.Descending == key.Descending).ToList();
        return directions.All(same => same) || directions.All(same => !same);
    }

    // A composite path may quote a segment ("/\"first-name\"") and has no order when ascending.
    private static SortPath IndexedPath(JObject path) => new(
        (path.Value<string>("path") ?? "").Replace("\"", "").TrimEnd('/'),
        string.Equals(path.Value<string>("order"), "descending", StringComparison.OrdinalIgnoreCase));
}
