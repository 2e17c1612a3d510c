using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// The latest-version change feed of a container: each live item at the LSN of its last write. The operations of
/// one transactional batch share an LSN, and a page never ends inside one LSN, so a batch is never split across pages.
/// </summary>
internal sealed class ChangeLog
{
    private readonly SortedSet<long> order = [];
    private readonly Dictionary<long, List<StoredDocument>> byLsn = new();

    public void Add(StoredDocument document)
    {
        if (!byLsn.TryGetValue(document.Lsn, out var written))
        {
            byLsn[document.Lsn] = written = [];
            order.Add(document.Lsn);
        }
        written.Add(document);
    }

    public void Remove(StoredDocument document)
    {
        if (!byLsn.TryGetValue(document.Lsn, out var written) || !written.Remove(document) || written.Count > 0)
            return;
        byLsn.Remove(document.Lsn);
        order.Remove(document.Lsn);
    }

    /// <summary>Every item in the log, at its latest version.</summary>
    public IEnumerable<StoredDocument> Documents => byLsn.Values.SelectMany(written => written);

    /// <summary>The items <paramref name="include"/>d that changed after <paramref name="afterLsn"/>, in LSN order, at least
    /// <paramref name="maxItems"/> when there are (more when a batch runs past it), and the LSN to continue after.</summary>
    public (IReadOnlyList<JObject> Documents, long ContinueAfterLsn) Read(long afterLsn, long latestLsn, int maxItems, Func<StoredDocument, bool> include) =>
        Page(order.GetViewBetween(afterLsn + 1, long.MaxValue).SelectMany(changeLsn => byLsn[changeLsn]), afterLsn, latestLsn, maxItems, include);

    /// <summary>A page of <paramref name="inLsnOrder"/> that ends only where an LSN ends, so a batch is never split.</summary>
    public static (IReadOnlyList<JObject> Documents, long ContinueAfterLsn) Page(
        IEnumerable<StoredDocument> inLsnOrder, long afterLsn, long latestLsn, int maxItems, Func<StoredDocument, bool> include)
    {
        var page = new List<JObject>();
        long? fullAt = null;
        foreach (var document in inLsnOrder)
        {
            if (fullAt is { } lastLsn && document.Lsn != lastLsn)
                return (page, lastLsn);
            if (include(document))
                page.Add(document.Body);
            if (page.Count >= maxItems)
                fullAt = document.Lsn;
        }
        return (page, fullAt ?? Math.Max(afterLsn, latestLsn));
    }
}
