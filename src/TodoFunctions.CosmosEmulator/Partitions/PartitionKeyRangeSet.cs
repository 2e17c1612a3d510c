using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Partitions;

/// <summary>
/// A container's partition key ranges, which together cover the key space once, and the ids of the ranges that
/// were split (gone: requests addressed to them answer 410/1002). Immutable: a split makes a new set with the
/// next <see cref="Version"/>, which is what the pkranges ETag tells the SDK.
/// </summary>
internal sealed class PartitionKeyRangeSet
{
    private PartitionKeyRangeSet(long version, IReadOnlyList<PartitionKeyRange> ranges, IReadOnlySet<string> gone)
    {
        Version = version;
        Ranges = ranges;
        Gone = gone;
    }

    public static PartitionKeyRangeSet Single { get; } = Even([]);

    public long Version { get; }

    /// <summary>The live ranges in key order.</summary>
    public IReadOnlyList<PartitionKeyRange> Ranges { get; }

    public IReadOnlySet<string> Gone { get; }

    /// <summary>Ranges "0" to "N-1" cut at the given boundaries, as a new container gets them.</summary>
    public static PartitionKeyRangeSet Even(IReadOnlyList<string> boundaries)
    {
        var edges = boundaries.Prepend(PartitionKeyRange.MinimumKey).Append(PartitionKeyRange.MaximumKey).ToList();
        var ranges = Enumerable.Range(0, edges.Count - 1)
            .Select(index => new PartitionKeyRange(index.ToString(), edges[index], edges[index + 1], []))
            .ToList();
        return new PartitionKeyRangeSet(0, ranges, new HashSet<string>());
    }

    public PartitionKeyRange? Find(string id) => Ranges.FirstOrDefault(range => range.Id == id);

    public PartitionKeyRange RangeOf(string effectivePartitionKey) => Ranges.First(range => range.Contains(effectivePartitionKey));

    /// <summary>Replaces a live range by two children cut at <paramref name="splitKey"/>; ids are never reused.</summary>
    public PartitionKeyRangeSet Split(string id, string splitKey)
    {
        var parent = Find(id) ?? throw new ArgumentException($"No live partition key range '{id}'.", nameof(id));
        if (string.CompareOrdinal(splitKey, parent.MinInclusive) <= 0 || string.CompareOrdinal(splitKey, parent.MaxExclusive) >= 0)
            throw new ArgumentOutOfRangeException(nameof(splitKey), $"'{splitKey}' is not inside range '{id}'.");
        var nextId = Ranges.Select(range => range.Id).Concat(Gone).Select(int.Parse).Max() + 1;
        IReadOnlyList<string> parents = [.. parent.Parents, parent.Id];
        var children = new[]
        {
            new PartitionKeyRange(nextId.ToString(), parent.MinInclusive, splitKey, parents),
            new PartitionKeyRange((nextId + 1).ToString(), splitKey, parent.MaxExclusive, parents),
        };
        var ranges = Ranges.Where(range => range != parent).Concat(children).OrderBy(range => range.MinInclusive, StringComparer.Ordinal).ToList();
        return new PartitionKeyRangeSet(Version + 1, ranges, new HashSet<string>(Gone) { id });
    }

    public JObject ToJson() => new()
    {
        ["version"] = Version,
        ["ranges"] = new JArray(Ranges.Select(range => new JObject
        {
            ["id"] = range.Id,
            ["minInclusive"] = range.MinInclusive,
            ["maxExclusive"] = range.MaxExclusive,
            ["parents"] = new JArray(range.Parents),
        })),
        ["gone"] = new JArray(Gone.Order(StringComparer.Ordinal)),
    };

    public static PartitionKeyRangeSet FromJson(JObject json) => new(
        json.Value<long?>("version") ?? throw new InvalidDataException("A partition key range set has no version."),
        (json["ranges"] as JArray ?? throw new InvalidDataException("A partition key range set has no ranges."))
            .Select(range => new PartitionKeyRange(
                range.Value<string>("id")!,
                range.Value<string>("minInclusive")!,
                range.Value<string>("maxExclusive")!,
                [.. (range["parents"] as JArray ?? []).Values<string>().OfType<string>()]))
            .ToList(),
        new HashSet<string>((json["gone"] as JArray ?? []).Values<string>().OfType<string>()));
}
