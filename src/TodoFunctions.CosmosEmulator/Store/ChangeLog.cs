namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// The latest-version change feed of a container: each live item at the LSN of its last write. The operations of
/// one transactional batch share an LSN, and a page never ends inside one LSN, so a batch is never split across pages.
/// One slot per item in LSN order: writes append (a replay may hand them out of order; they are sorted, stably, before
/// the next read), and a replaced or removed version leaves an empty slot until half the slots are empty.
/// </summary>
internal sealed class ChangeLog
{
    private const int SlotsKeptEmpty = 64;

    private List<Slot> slots = [];
    private int live;
    private bool sorted = true;

    public void Add(StoredDocument document)
    {
        if (slots.Count > 0 && document.Lsn < slots[^1].Lsn)
            sorted = false;
        slots.Add(new Slot(document.Lsn, document));
        live++;
    }

    public void Remove(StoredDocument document)
    {
        Sort();
        for (var index = FirstAfter(document.Lsn - 1); index < slots.Count && slots[index].Lsn == document.Lsn; index++)
        {
            if (!ReferenceEquals(slots[index].Document, document))
                continue;
            slots[index] = new Slot(document.Lsn, null);
            if (--live < (slots.Count - SlotsKeptEmpty) / 2)
            {
                slots.RemoveAll(slot => slot.Document is null);
                slots.TrimExcess();
            }
            return;
        }
    }

    /// <summary>Every item in the log, at its latest version.</summary>
    public IEnumerable<StoredDocument> Documents => Live(0);

    /// <summary>The items <paramref name="include"/>d that changed after <paramref name="afterLsn"/>, in LSN order, at least
    /// <paramref name="maxItems"/> when there are (more when a batch runs past it), and the LSN to continue after.</summary>
    public (IReadOnlyList<StoredDocument> Documents, long ContinueAfterLsn) Read(long afterLsn, long latestLsn, int maxItems, Func<StoredDocument, bool> include)
    {
        Sort();
        return Page(Live(FirstAfter(afterLsn)), afterLsn, latestLsn, maxItems, include);
    }

    /// <summary>A page of <paramref name="inLsnOrder"/> that ends only where an LSN ends, so a batch is never split.</summary>
    public static (IReadOnlyList<StoredDocument> Documents, long ContinueAfterLsn) Page(
        IEnumerable<StoredDocument> inLsnOrder, long afterLsn, long latestLsn, int maxItems, Func<StoredDocument, bool> include)
    {
        var page = new List<StoredDocument>();
        long? fullAt = null;
        foreach (var document in inLsnOrder)
        {
            if (fullAt is { } lastLsn && document.Lsn != lastLsn)
                return (page, lastLsn);
            if (include(document))
                page.Add(document);
            if (page.Count >= maxItems)
                fullAt = document.Lsn;
        }
        return (page, fullAt ?? Math.Max(afterLsn, latestLsn));
    }

    private IEnumerable<StoredDocument> Live(int from)
    {
        for (var index = from; index < slots.Count; index++)
            if (slots[index].Document is { } document)
                yield return document;
    }

    private void Sort()
    {
        if (sorted)
            return;
        slots = [.. slots.OrderBy(slot => slot.Lsn)];
        sorted = true;
    }

    /// <summary>The index of the first slot whose LSN is above <paramref name="lsn"/> (the slots are sorted).</summary>
    private int FirstAfter(long lsn)
    {
        var (low, high) = (0, slots.Count);
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (slots[middle].Lsn > lsn) high = middle;
            else low = middle + 1;
        }
        return low;
    }

    private readonly record struct Slot(long Lsn, StoredDocument? Document);
}
