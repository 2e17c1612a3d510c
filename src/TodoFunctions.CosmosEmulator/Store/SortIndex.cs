using System.Collections.Immutable;
using TodoFunctions.CosmosEmulator.Query;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// A container's range index for one ORDER BY: every stored item (live or expired, never a deleted one) in the
/// result order of the queries it serves, i.e. by sort keys in Cosmos type order with their directions, then by
/// resource id. The set is immutable, so a query walks the snapshot it took while writers replace it: O(log n) per
/// write, O(log n) to seek a query's cursor and per item walked, one entry per item.
/// </summary>
internal sealed class SortIndex
{
    private readonly Func<StoredDocument, Entry> entryOf;
    private ImmutableSortedSet<Entry> entries;

    /// <summary>Builds the index over <paramref name="documents"/> for <paramref name="query"/>'s ORDER BY.</summary>
    public SortIndex(CosmosSqlQuery query, IEnumerable<StoredDocument> documents)
    {
        entryOf = document => new Entry(Detached(query.PositionOf(document.ParseBody())), document);
        var order = new EntryOrder(query.Order);
        entries = ImmutableSortedSet.CreateRange(order, documents.Select(entryOf));
    }

    /// <summary>The current snapshot, which later writes leave untouched.</summary>
    public ImmutableSortedSet<Entry> Snapshot => entries;

    public void Add(StoredDocument document) => entries = entries.Add(entryOf(document));

    public void Remove(StoredDocument document) => entries = entries.Remove(entryOf(document));

    /// <summary>
    /// The items of <paramref name="snapshot"/> strictly after <paramref name="after"/> (all when null) and inside
    /// <paramref name="bounds"/> on the leading sort key, in order: the walk seeks to the range's start and stops past
    /// its end, so what lies outside costs nothing.
    /// </summary>
    public static IEnumerable<StoredDocument> After(ImmutableSortedSet<Entry> snapshot, RowPosition? after, SortKeyBounds bounds, bool leadingDescending)
    {
        var direction = leadingDescending ? -1 : 1;
        var (first, last) = leadingDescending ? (bounds.Upper, bounds.Lower) : (bounds.Lower, bounds.Upper);
        var start = first is null ? 0 : FirstIndex(snapshot, entry => Reached(entry, first, direction, atBound: first.Inclusive));
        if (after is not null)
        {
            var found = snapshot.IndexOf(new Entry(after, null));
            start = Math.Max(start, found >= 0 ? found + 1 : ~found);
        }
        for (var index = start; index < snapshot.Count; index++)
        {
            if (last is not null && Reached(snapshot[index], last, direction, atBound: !last.Inclusive)) yield break;
            yield return snapshot[index].Document!;
        }
    }

    // A sort key taken from a parsed body would hold the whole parsed tree through its parent: keep a copy alone.
    private static RowPosition Detached(RowPosition position) =>
        position with { SortKeys = [.. position.SortKeys.Select(key => key?.Parent is null ? key : key.DeepClone())] };

    /// <summary>Whether an entry's leading key, in walk order, is past <paramref name="bound"/>, or at it when <paramref name="atBound"/>.</summary>
    private static bool Reached(Entry entry, SortKeyBound bound, int direction, bool atBound)
    {
        var order = direction * SqlValues.CompareForSort(entry.Position.SortKeys[0], bound.Value);
        return order > 0 || (order == 0 && atBound);
    }

    /// <summary>The first index whose entry satisfies <paramref name="reached"/>, which holds from some index to the end.</summary>
    private static int FirstIndex(ImmutableSortedSet<Entry> snapshot, Func<Entry, bool> reached)
    {
        var (low, high) = (0, snapshot.Count);
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (reached(snapshot[middle])) high = middle;
            else low = middle + 1;
        }
        return low;
    }

    /// <summary>An item's place in the index; a cursor's position to seek has no item.</summary>
    internal sealed record Entry(RowPosition Position, StoredDocument? Document);

    private sealed class EntryOrder(PositionOrder order) : IComparer<Entry>
    {
        public int Compare(Entry? left, Entry? right) => order.Compare(left!.Position, right!.Position);
    }
}
