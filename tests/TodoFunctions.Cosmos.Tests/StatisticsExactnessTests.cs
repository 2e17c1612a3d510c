using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// The statistics projection is exact under at-least-once delivery: after a random workload, whatever mix of
/// duplicated, replayed, shuffled and crashed-then-redelivered batches (some under throttling and outages of the read
/// container) feeds it, the statistics equal those computed from the fold of every stream in the event store.
/// </summary>
public sealed class StatisticsExactnessTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    private const int Todos = 200;
    private const int PageSize = 40;

    [Fact]
    public async Task Statistics_fed_duplicates_replays_shuffles_and_redeliveries_equal_the_fold_of_every_stream()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false, projectionProgressTimeout: TimeSpan.FromSeconds(60));
        var random = new Random(11);
        var ids = await CreateTodosAsync(store, random, Todos);
        var delivered = new List<IReadOnlyList<JsonElement>>();
        string? position = null;
        // Each round drives the todos further, then hands the projector that round's change feed in another way.
        for (var round = 0; round < 3; round++)
        {
            await RunCommandsAsync(store, random, ids, Todos * 2);
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

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var asked in new[] { today, today.AddDays(1), today.AddDays(TodoStatistics.CompletionWindowDays) })
        {
            var expected = await ExpectedAsync(store, ids, asked);
            var actual = await TodoStatistics.ComputeAsync(store.ReadContainer, asked, default);
            // Sums of seconds in another order may differ in the last bits.
            Assert.Equal(expected with { AverageTimeToCompleteSeconds = null }, actual with { AverageTimeToCompleteSeconds = null });
            Assert.Equal(expected.AverageTimeToCompleteSeconds is null, actual.AverageTimeToCompleteSeconds is null);
            Assert.Equal(expected.AverageTimeToCompleteSeconds ?? 0, actual.AverageTimeToCompleteSeconds ?? 0, 6);
        }
        Assert.True(await TodoStatistics.ComputeAsync(store.ReadContainer, today, default) is { Active: > 0, Completed: > 0, Deleted: > 0 });
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

    private static async Task<List<Guid>> CreateTodosAsync(TodoStoreHarness store, Random random, int todos)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < todos; i++)
            ids.Add(await store.CreateAsync($"todo {i}", order: random.Next(3) == 0 ? i : null));
        return ids;
    }

    /// <summary>Drives random todos through every command, each of which the domain may refuse.</summary>
    private static async Task RunCommandsAsync(TodoStoreHarness store, Random random, IReadOnlyList<Guid> ids, int count)
    {
        TodoCommand[] commands =
        [
            new UpdateTodo(Completed: true), new UpdateTodo(Completed: true), new UpdateTodo(Completed: false), new UpdateTodo(Title: "renamed"),
            new UpdateTodo(Order: 7), new DeleteTodo(), new RestoreTodo(), new RestoreTodo(), new PurgeTodo(),
        ];
        for (var i = 0; i < count; i++)
            await store.Commands.ExecuteAsync(ids[random.Next(ids.Count)], commands[random.Next(commands.Length)], TodoStoreHarness.NoWait(), default);
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

    /// <summary>
    /// The statistics computed independently of the projection: each stream read from the event store, folded by the
    /// domain, its times taken from the events' timestamps.
    /// </summary>
    private static async Task<TodoStatisticsView> ExpectedAsync(TodoStoreHarness store, IReadOnlyList<Guid> ids, DateOnly today)
    {
        var midnight = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var windowStart = midnight.AddDays(1 - TodoStatistics.CompletionWindowDays);
        long active = 0, completed = 0, deleted = 0, createdToday = 0, completedToday = 0, inWindow = 0;
        var secondsInWindow = 0.0;
        foreach (var id in ids)
        {
            var stream = await store.Store.ReadStreamAsync(id, default);
            var todo = Todo.Fold(stream.Select(store.Decode))!;
            if (todo.IsPurged) continue;
            if (todo.IsDeleted)
            {
                deleted++;
                continue;
            }
            var createdAt = stream[0].Timestamp;
            if (createdAt >= midnight) createdToday++;
            if (!todo.Completed)
            {
                active++;
                continue;
            }
            completed++;
            // The workload creates todos not completed, so a completed todo's last completion is its last TodoCompleted.
            var lastCompletion = stream.Last(recorded => recorded.Type == nameof(TodoCompleted)).Timestamp;
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
}
