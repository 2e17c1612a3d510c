using System.Runtime.CompilerServices;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Query;
using TodoFunctions.CosmosEmulator.Store;
using TodoFunctions.CosmosEmulator.Tests.Session;

namespace TodoFunctions.CosmosEmulator.Tests.Store;

/// <summary>
/// An item the store no longer holds (replaced, deleted, or purged after its time to live) keeps no memory: no
/// partition, change feed slot or ORDER BY index still refers to any of its versions.
/// </summary>
public sealed class ReleasedItemsTests
{
    private const int Items = 40;

    [Fact]
    public void Replaced_deleted_and_expired_items_are_collectable_once_gone()
    {
        var clock = new ManualClock();
        var container = new ContainerStore(StoreResources.DatabaseId, StoreResources.Container("items", 1, defaultTtl: -1), NullJournal.Instance, clock);

        var versions = WriteThenRemoveEveryItem(container, clock);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Empty(container.Documents(null));
        Assert.Equal(0, versions.Count(version => version.IsAlive));
    }

    // Not inlined, so no local of the test method keeps a version alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> WriteThenRemoveEveryItem(ContainerStore container, ManualClock clock)
    {
        // Odd items expire after 10 s; even ones are replaced, then deleted.
        for (var n = 0; n < Items; n++)
            Write(container, DocumentOperationKind.Create, Item(n, ttl: n % 2 == 1 ? 10 : null));
        var versions = Weakly(container.Documents(null));
        ReadThroughIndexesAndFeed(container);

        for (var n = 0; n < Items; n += 2)
            Write(container, DocumentOperationKind.Upsert, Item(n, ttl: null, version: 2));
        versions.AddRange(Weakly(container.Documents(null)));
        ReadThroughIndexesAndFeed(container);

        for (var n = 0; n < Items; n += 2)
            Assert.False(container.Execute(PartitionOf(n), [new DocumentOperation(DocumentOperationKind.Delete, $"item-{n}")])[0].Failed);
        clock.Advance(TimeSpan.FromSeconds(11));
        container.PurgeExpired();
        return versions;
    }

    private static void ReadThroughIndexesAndFeed(ContainerStore container)
    {
        foreach (var order in new[] { "c.n", "c.n DESC", "c.pk, c.n" })
            _ = container.WalkInSortOrder(CosmosSqlQuery.Parse($"SELECT * FROM c ORDER BY {order}"), null, SortKeyBounds.None, null).Documents.ToList();
        _ = container.ReadChanges(0, null, null, int.MaxValue);
    }

    private static JObject Item(int n, int? ttl, int version = 1)
    {
        var item = new JObject { ["id"] = $"item-{n}", ["pk"] = $"p{n % 4}", ["n"] = n, ["version"] = version };
        if (ttl is { } seconds)
            item["ttl"] = seconds;
        return item;
    }

    private static string PartitionOf(int n) => StoreResources.PartitionKeyJson($"p{n % 4}");

    private static void Write(ContainerStore container, DocumentOperationKind kind, JObject item) =>
        Assert.False(container.Execute(PartitionOf(item.Value<int>("n")), [new DocumentOperation(kind, null, item)])[0].Failed);

    private static List<WeakReference> Weakly(IEnumerable<StoredDocument> documents) => [.. documents.Select(document => new WeakReference(document))];
}
