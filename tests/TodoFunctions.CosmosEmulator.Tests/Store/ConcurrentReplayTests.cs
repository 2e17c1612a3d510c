using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Tests.Store;

/// <summary>
/// Replay at start as a journal may hand it out: the account's own entries one at a time and in order, the item
/// changes of each container in order but on a thread per container, several containers at once, and a container
/// created while others replay. Every container comes back as written, and its next write carries on from it.
/// </summary>
public sealed class ConcurrentReplayTests
{
    [Fact]
    public void Containers_replayed_at_the_same_time_each_come_back_as_written()
    {
        var histories = new[] { "alpha", "beta", "gamma" }.Select((name, index) => new ContainerHistory(name, (uint)index + 1, seed: index)).ToList();
        var account = new Account(NullJournal.Instance, TimeProvider.System);

        new ConcurrentJournal(histories).Replay(entry => account.Replay([entry]));

        var database = account.FindDatabase(StoreResources.DatabaseId)!;
        foreach (var history in histories)
        {
            var container = account.FindContainer(database, history.Name)!;
            Assert.Equal(history.Live.OrderBy(item => item.Key, StringComparer.Ordinal).Select(item => item.Value.ToString()),
                container.Documents(null).Select(document => document.ParseBody()).OrderBy(item => item.Value<string>("id"), StringComparer.Ordinal).Select(item => item.ToString()));
            Assert.Equal(history.InLsnOrder(), container.ReadChanges(0, null, null, int.MaxValue).Documents.Select(item => item.Value<string>("id")));
            Assert.Equal(history.LastLsn, container.Lsn);

            var next = container.Execute(StoreResources.PartitionKeyJson("p0"),
                [new DocumentOperation(DocumentOperationKind.Create, null, new JObject { ["id"] = "next", ["pk"] = "p0" })])[0].Document!;
            Assert.Equal(history.LastLsn + 1, next.Value<long>("_lsn"));
            Assert.Equal(history.LastDocumentNumber + 1, ResourceIds.DocumentNumber(next.Value<string>("_rid")!));
        }
    }

    /// <summary>A journal whose replay applies each container's item changes on a thread of its own.</summary>
    private sealed class ConcurrentJournal(IReadOnlyList<ContainerHistory> histories) : IJournal
    {
        public void Append(JournalEntry entry) => throw new NotSupportedException();

        public void Replay(Action<JournalEntry> apply)
        {
            apply(new DatabaseCreated(StoreResources.DatabaseId, StoreResources.Database()));
            foreach (var history in histories.SkipLast(1))
                apply(history.Created);
            using var start = new Barrier(histories.Count);
            var others = histories.SkipLast(1).Select(history => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                history.Changes.ForEach(apply);
            }, TaskCreationOptions.LongRunning)).ToArray();
            start.SignalAndWait();
            apply(histories[^1].Created);
            histories[^1].Changes.ForEach(apply);
            Task.WaitAll(others);
        }

        public Task CompactAsync() => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    /// <summary>A container's journaled item changes: first a snapshot of items in no particular LSN order, then
    /// creates, replaces, deletes and batches (changes sharing one LSN); and what they leave.</summary>
    private sealed class ContainerHistory
    {
        private readonly Random random;
        private readonly string rid;
        private readonly Dictionary<string, long> lsnOf = new(StringComparer.Ordinal);
        private readonly List<string> writeOrder = [];

        public ContainerHistory(string name, uint number, int seed)
        {
            Name = name;
            random = new Random(seed);
            var resource = StoreResources.Container(name, number);
            rid = resource.Value<string>("_rid")!;
            Created = new ContainerCreated(StoreResources.DatabaseId, name, resource);
            const int snapshotItems = 200;
            var snapshotLsns = Enumerable.Range(1, snapshotItems).Select(lsn => (long)lsn).OrderBy(_ => random.Next()).ToList();
            Changes.Add(new DocumentsChanged(StoreResources.DatabaseId, name, [.. snapshotLsns.Select(lsn => Write($"item-{lsn}", lsn))]));
            for (var lsn = (long)snapshotItems + 1; lsn <= 2000; lsn++)
                Changes.Add(new DocumentsChanged(StoreResources.DatabaseId, name, [.. Enumerable.Range(0, random.Next(4) == 0 ? 3 : 1).Select(_ => NextChange(lsn))]));
            LastLsn = 2000;
        }

        public string Name { get; }

        public ContainerCreated Created { get; }

        public List<JournalEntry> Changes { get; } = [];

        public Dictionary<string, JObject> Live { get; } = new(StringComparer.Ordinal);

        public long LastLsn { get; }

        public ulong LastDocumentNumber { get; private set; }

        /// <summary>The live items' ids in change feed order: by the LSN of their last write, then as written.</summary>
        public IEnumerable<string> InLsnOrder() => writeOrder.Where(Live.ContainsKey).Select((id, index) => (id, index))
            .OrderBy(item => lsnOf[item.id]).ThenBy(item => item.index).Select(item => item.id);

        // An item is changed at most once per batch, as a transactional batch allows.
        private DocumentChange NextChange(long lsn)
        {
            var existing = Live.Keys.Where(id => lsnOf[id] != lsn).ToList();
            var pick = existing.Count == 0 ? 0 : random.Next(3);
            if (pick == 0)
                return Write($"item-{lsn}-{random.Next()}", lsn);
            var id = existing[random.Next(existing.Count)];
            if (pick == 1)
                return Write(id, lsn);
            Live.Remove(id);
            return new DocumentChange(PartitionOf(id), id, null, lsn);
        }

        private DocumentChange Write(string id, long lsn)
        {
            var documentRid = Live.TryGetValue(id, out var replaced) ? replaced.Value<string>("_rid") : ResourceIds.Document(rid, ++LastDocumentNumber);
            var item = new JObject
            {
                ["id"] = id,
                ["pk"] = $"p{id.Length % 5}",
                ["n"] = random.Next(),
                ["_rid"] = documentRid,
                ["_etag"] = $"\"{Guid.NewGuid()}\"",
                ["_ts"] = 1_764_000_000 + lsn,
                ["_lsn"] = lsn,
            };
            Live[id] = item;
            lsnOf[id] = lsn;
            writeOrder.Remove(id);
            writeOrder.Add(id);
            return new DocumentChange(PartitionOf(id), id, item, lsn);
        }

        private static string PartitionOf(string id) => StoreResources.PartitionKeyJson($"p{id.Length % 5}");
    }
}
