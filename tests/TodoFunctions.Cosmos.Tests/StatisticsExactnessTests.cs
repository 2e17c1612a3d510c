using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// The statistics projection is exact under at-least-once delivery: after a random workload, whatever mix of
/// duplicated, replayed, shuffled and crashed-then-redelivered batches (some under throttling and outages of the read
/// container) feeds it, the statistics equal those computed from the fold of every stream in the event store. The
/// workload's events are stamped over the 40 days before now, and the statistics are asked for every day from its
/// first to a month after its last, so each day's "today" and each side of the 30-day window hold some of them.
/// </summary>
public sealed class StatisticsExactnessTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    private const int Todos = 200;
    private const int PageSize = 40;

    [Fact]
    public async Task Statistics_fed_duplicates_replays_shuffles_and_redeliveries_equal_the_fold_of_every_stream()
    {
        var span = TimeSpan.FromDays(TodoStatistics.CompletionWindowDays + 10);
        var clock = new ShiftedClock(-span, span / (Todos + 3 * Todos * 2));
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, projectionProgressTimeout: TimeSpan.FromSeconds(60), clock: clock);
        var random = new Random(11);
        var ids = await CreateTodosAsync(store, random, Todos, clock);
        var delivered = new List<IReadOnlyList<JsonElement>>();
        string? position = null;
        // Each round drives the todos further, then hands the projector that round's change feed in another way.
        for (var round = 0; round < 3; round++)
        {
            await RunCommandsAsync(store, random, ids, Todos * 2, clock);
            (var pages, position) = await ChangeFeedPagesAsync(store.Events, position);
            switch (round)
            {
                case 0:
                    await DeliverInOrderWithDuplicatesAndReplaysAsync(store, random, pages, delivered);
                    break;
                case 1:
                    await DeliverShuffledWithACrashAsync(store, random, pages);
                    break;
                default:
                    await DeliverUnderFaultsAsync(store, random, pages, delivered);
                    break;
            }
            delivered.AddRange(pages);
        }

        var streams = await ReadStreamsAsync(store, ids);
        var lastDay = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var completionDays = streams.Select(LastCompletion).OfType<DateTimeOffset>().Select(time => DateOnly.FromDateTime(time.UtcDateTime)).Distinct().Count();
        Assert.True(completionDays > 20, $"the live completed todos were last completed on {completionDays} different days");
        for (var asked = lastDay.AddDays(-(int)span.TotalDays - 1); asked <= lastDay.AddDays(TodoStatistics.CompletionWindowDays + 1); asked = asked.AddDays(1))
        {
            var expected = Expected(streams, asked);
            var actual = await TodoStatistics.ComputeAsync(store.ReadContainer, asked, default);
            // Sums of seconds in another order may differ in the last bits.
            Assert.Equal(expected with { AverageTimeToCompleteSeconds = null }, actual with { AverageTimeToCompleteSeconds = null });
            Assert.Equal(expected.AverageTimeToCompleteSeconds is null, actual.AverageTimeToCompleteSeconds is null);
            Assert.Equal(expected.AverageTimeToCompleteSeconds ?? 0, actual.AverageTimeToCompleteSeconds ?? 0, 6);
        }
        Assert.True(await TodoStatistics.ComputeAsync(store.ReadContainer, lastDay, default) is { Active: > 0, Completed: > 0, Deleted: > 0 });
        Assert.Empty(store.Poison.Recorded);
    }

    /// <summary>Each page once or twice, and now and then an older page (of this round or an earlier one) again.</summary>
    private static async Task DeliverInOrderWithDuplicatesAndReplaysAsync(
        TodoStoreHarness store, Random random, IReadOnlyList<IReadOnlyList<JsonElement>> pages, IReadOnlyList<IReadOnlyList<JsonElement>> earlier)
    {
        List<IReadOnlyList<JsonElement>> seen = [.. earlier];
        foreach (var page in pages)
        {
            seen.Add(page);
            await store.StatisticsProjector.ProjectAsync(page, default);
            if (random.NextDouble() < 0.3) await store.StatisticsProjector.ProjectAsync(page, default);
            if (random.NextDouble() < 0.3) await store.StatisticsProjector.ProjectAsync(seen[random.Next(seen.Count)], default);
        }
    }

    /// <summary>
    /// The round's events shuffled across todos and within them, in batches; the first batch is cut short by a crash
    /// after its first half and delivered again whole.
    /// </summary>
    private static async Task DeliverShuffledWithACrashAsync(TodoStoreHarness store, Random random, IReadOnlyList<IReadOnlyList<JsonElement>> pages)
    {
        var batches = pages.SelectMany(page => page).OrderBy(_ => random.Next()).Chunk(PageSize).ToList();
        await store.StatisticsProjector.ProjectAsync(batches[0].Take(PageSize / 2).ToList(), default);
        foreach (var batch in batches)
            await store.StatisticsProjector.ProjectAsync(batch, default);
    }

    /// <summary>Throttling, outages and timeouts (some after the write applied) on the statistics documents' reads and writes.</summary>
    private async Task DeliverUnderFaultsAsync(
        TodoStoreHarness store, Random random, IReadOnlyList<IReadOnlyList<JsonElement>> pages, IReadOnlyList<IReadOnlyList<JsonElement>> earlier)
    {
        var faults = endpoint.Emulator!.Faults;
        faults.Install(new FaultPlan
        {
            Seed = 11,
            Rules =
            [
                new FaultRule { Container = TodoStoreLayout.ReadModelContainer, Operations = [FaultOperation.Create, FaultOperation.Replace], Probability = 0.1, Outcome = FaultOutcome.Throttle },
                new FaultRule { Container = TodoStoreLayout.ReadModelContainer, Operations = [FaultOperation.Replace], Probability = 0.1, Outcome = FaultOutcome.TimeoutAfterApply },
                new FaultRule { Container = TodoStoreLayout.ReadModelContainer, Operations = [FaultOperation.Read], Probability = 0.1, Outcome = FaultOutcome.ServiceUnavailable },
            ],
        });
        try
        {
            await DeliverInOrderWithDuplicatesAndReplaysAsync(store, random, pages, earlier);
        }
        finally
        {
            faults.Clear();
        }
        Assert.Contains(faults.Injected, fault => fault.Kind == FaultOutcome.TimeoutAfterApply);
    }

    [Fact]
    public async Task A_replayed_batch_changes_no_statistics_document()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var random = new Random(5);
        var ids = await CreateTodosAsync(store, random, 20);
        await RunCommandsAsync(store, random, ids, 60);
        var (pages, _) = await ChangeFeedPagesAsync(store.Events, null);
        foreach (var page in pages) await store.StatisticsProjector.ProjectAsync(page, default);
        var before = await StatisticsETagsAsync(store.ReadContainer);

        foreach (var page in pages) await store.StatisticsProjector.ProjectAsync(page, default);

        Assert.Equal(ids.Count, before.Count);
        Assert.Equal(before, await StatisticsETagsAsync(store.ReadContainer));
    }

    /// <summary>Creates todos, some with an order and some already completed.</summary>
    private static async Task<List<Guid>> CreateTodosAsync(TodoStoreHarness store, Random random, int todos, ShiftedClock? clock = null)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < todos; i++)
        {
            var created = await store.Commands.CreateAsync(
                new CreateTodo($"todo {i}", Completed: random.Next(4) == 0, Order: random.Next(3) == 0 ? i : null), TodoStoreHarness.NoWait(), default);
            ids.Add(Assert.IsType<CommandOutcome.Succeeded>(created).Todo.Id);
            clock?.Tick();
        }
        return ids;
    }

    /// <summary>Drives random todos through every command, each of which the domain may refuse.</summary>
    private static async Task RunCommandsAsync(TodoStoreHarness store, Random random, IReadOnlyList<Guid> ids, int count, ShiftedClock? clock = null)
    {
        TodoCommand[] commands =
        [
            new UpdateTodo(Completed: true), new UpdateTodo(Completed: true), new UpdateTodo(Completed: false), new UpdateTodo(Title: "renamed"),
            new UpdateTodo(Order: 7), new DeleteTodo(), new RestoreTodo(), new RestoreTodo(), new PurgeTodo(),
        ];
        for (var i = 0; i < count; i++)
        {
            await store.Commands.ExecuteAsync(ids[random.Next(ids.Count)], commands[random.Next(commands.Length)], TodoStoreHarness.NoWait(), default);
            clock?.Tick();
        }
    }

    /// <summary>The events container's change feed after <paramref name="position"/>, page by page as a processor is handed it, and where it ends.</summary>
    internal static async Task<(List<IReadOnlyList<JsonElement>> Pages, string Position)> ChangeFeedPagesAsync(Container events, string? position)
    {
        var pages = new List<IReadOnlyList<JsonElement>>();
        using var feed = events.GetChangeFeedIterator<JsonElement>(
            position is null ? ChangeFeedStartFrom.Beginning() : ChangeFeedStartFrom.ContinuationToken(position),
            ChangeFeedMode.LatestVersion, new ChangeFeedRequestOptions { PageSizeHint = PageSize });
        while (true)
        {
            var page = await feed.ReadNextAsync();
            if (page.StatusCode == System.Net.HttpStatusCode.NotModified) return (pages, page.ContinuationToken);
            pages.Add([.. page]);
        }
    }

    /// <summary>Each todo's stream from the event store, with the domain's fold of it.</summary>
    private static async Task<List<(Todo Todo, IReadOnlyList<(RecordedEvent Recorded, TodoEvent Event)> Stream)>> ReadStreamsAsync(
        TodoStoreHarness store, IReadOnlyList<Guid> ids)
    {
        var streams = new List<(Todo, IReadOnlyList<(RecordedEvent, TodoEvent)>)>();
        foreach (var id in ids)
        {
            var stream = (await store.Store.ReadStreamAsync(id, default)).Select(recorded => (recorded, store.Decode(recorded))).ToList();
            streams.Add((Todo.Fold(stream.Select(pair => pair.Item2))!, stream));
        }
        return streams;
    }

    /// <summary>When a live completed todo was last completed: its last completion, or its creation if it was created completed.</summary>
    private static DateTimeOffset? LastCompletion((Todo Todo, IReadOnlyList<(RecordedEvent Recorded, TodoEvent Event)> Stream) todo) =>
        todo.Todo is { IsPurged: false, IsDeleted: false, Completed: true }
            ? todo.Stream.Last(pair => pair.Event is TodoCompleted or TodoCreated { Completed: true }).Recorded.Timestamp
            : null;

    /// <summary>
    /// The statistics computed independently of the projection: each stream folded by the domain, its times taken from
    /// the events' timestamps, on the UTC day <paramref name="today"/>.
    /// </summary>
    private static TodoStatisticsView Expected(IEnumerable<(Todo Todo, IReadOnlyList<(RecordedEvent Recorded, TodoEvent Event)> Stream)> streams, DateOnly today)
    {
        var midnight = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var windowStart = midnight.AddDays(1 - TodoStatistics.CompletionWindowDays);
        long active = 0, completed = 0, deleted = 0, createdToday = 0, completedToday = 0, inWindow = 0;
        var secondsInWindow = 0.0;
        foreach (var stream in streams)
        {
            var todo = stream.Todo;
            if (todo.IsPurged) continue;
            if (todo.IsDeleted)
            {
                deleted++;
                continue;
            }
            var createdAt = stream.Stream[0].Recorded.Timestamp;
            if (createdAt >= midnight) createdToday++;
            if (!todo.Completed)
            {
                active++;
                continue;
            }
            completed++;
            var lastCompletion = LastCompletion(stream)!.Value;
            if (lastCompletion >= midnight) completedToday++;
            if (lastCompletion < windowStart) continue;
            inWindow++;
            secondsInWindow += (lastCompletion - createdAt).TotalSeconds;
        }
        var total = active + completed;
        return new TodoStatisticsView(total, active, completed, deleted, createdToday, completedToday,
            total == 0 ? 0 : (double)completed / total, inWindow == 0 ? null : secondsInWindow / inWindow);
    }

    private static async Task<Dictionary<string, string>> StatisticsETagsAsync(Container read)
    {
        var rows = new List<JsonElement>();
        using var query = read.GetItemQueryIterator<JsonElement>(
            new QueryDefinition("SELECT c.id, c._etag FROM c WHERE c.kind = @kind").WithParameter("@kind", TodoStatisticsDocument.DocumentKind));
        while (query.HasMoreResults) rows.AddRange(await query.ReadNextAsync());
        return rows.ToDictionary(row => row.GetProperty("id").GetString()!, row => row.GetProperty("_etag").GetString()!);
    }

    /// <summary>
    /// The system clock moved back by an offset that each <see cref="Tick"/> shortens by one step, so that the
    /// workload's events are stamped over past days in order; timers and elapsed time stay the system's.
    /// </summary>
    private sealed class ShiftedClock(TimeSpan offset, TimeSpan step) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;

        public void Tick() => offset += step;
    }
}
