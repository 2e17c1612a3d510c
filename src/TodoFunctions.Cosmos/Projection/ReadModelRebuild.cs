using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Runs a requested rebuild: replays the whole events container from the beginning into the read container that is
/// not live, catches up with what was appended meanwhile, then switches the pointer. Progress is saved in the
/// pointer with If-Match, so a redelivered or resumed request carries on where the last save left it, and the run it
/// replaces (or a cancelled one) stops at its next save. It replays both projections that live in the read
/// containers, the todo view and the statistics documents, so one switch serves both.
/// </summary>
internal sealed class ReadModelRebuild(
    CosmosClient client,
    IOptions<TodoStoreOptions> options,
    ReadModelPointers pointers,
    TodoViewWriter writer,
    TodoStatisticsWriter statisticsWriter,
    IPoisonEventSink poisonSink,
    TimeProvider clock,
    TransientRetry retry,
    ILogger<ReadModelRebuild> logger)
{
    private const int ParallelTodos = 8;
    private const int PageSize = 1000;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly Container events = client.GetContainer(options.Value.DatabaseName, options.Value.EventsContainer);

    public async Task RunAsync(string requestId, CancellationToken cancellationToken)
    {
        var (pointer, etag) = await pointers.ReadAsync(cancellationToken);
        if (pointer.Rebuild is not { } progress || progress.RequestId != requestId)
        {
            logger.LogInformation("Rebuild {RequestId} is not pending (finished, or never requested); nothing to do.", requestId);
            return;
        }
        if (progress.State == RebuildProgress.Requested)
        {
            await WaitUntilNoInstanceReadsThePreviousContainerAsync(pointer, cancellationToken);
            pointer = pointer with { PreviousContainer = null };
            progress = progress with { State = RebuildProgress.Replaying };
        }
        var target = new ReadTarget(pointers.Container(progress.TargetContainer), progress.TargetVersion);
        var live = pointers.Container(pointer.LiveContainer);
        using var feed = events.GetChangeFeedStreamIterator(
            progress.Position is { } position ? ChangeFeedStartFrom.ContinuationToken(position) : ChangeFeedStartFrom.Beginning(),
            ChangeFeedMode.LatestVersion,
            new ChangeFeedRequestOptions { PageSizeHint = PageSize });

        // Every save doubles as the claim: it fails when another run of this request saved since this one read.
        long? caughtUpAt = null;
        while (await SaveAsync(pointer with { Rebuild = progress }, etag, cancellationToken) is { } saved)
        {
            etag = saved;
            var savedAt = Stopwatch.GetTimestamp();
            if (progress.State == RebuildProgress.CatchingUp) caughtUpAt ??= savedAt;
            while (true)
            {
                using var page = await feed.ReadNextAsync(cancellationToken);
                if (page.StatusCode != HttpStatusCode.NotModified)
                {
                    var replayed = await ReplayAsync(await ChangesOfAsync(page, cancellationToken), target, live, cancellationToken);
                    progress = progress with { EventsProcessed = progress.EventsProcessed + replayed, Position = page.ContinuationToken };
                }
                else if (progress.State == RebuildProgress.Replaying)
                {
                    // Once this is saved the live projector writes the new container too; the replay keeps reading
                    // for as long as an instance may still be projecting on an older pointer.
                    progress = progress with { State = RebuildProgress.CatchingUp };
                    break;
                }
                else if (Stopwatch.GetElapsedTime(caughtUpAt!.Value) >= 2 * pointers.CacheDuration)
                {
                    await SwitchAsync(pointer, progress, etag, cancellationToken);
                    return;
                }
                else
                {
                    await Task.Delay(options.Value.ChangeFeedPollInterval, cancellationToken);
                }
                // Saving while catching up too keeps SavedAt fresh, and a cancelled run finds out within a second.
                if (Stopwatch.GetElapsedTime(savedAt) >= ProgressInterval) break;
            }
        }
    }

    /// <summary>
    /// The container to rebuild was live until the last switch, and instances act on a pointer up to a cache window
    /// old; rebuilding it sooner than twice that window after the switch could show a reader a half-built container.
    /// </summary>
    private async Task WaitUntilNoInstanceReadsThePreviousContainerAsync(ReadModelPointer pointer, CancellationToken cancellationToken)
    {
        if (pointer.SwitchedAt is not { } switchedAt) return;
        var wait = switchedAt + 2 * pointers.CacheDuration - clock.GetUtcNow();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);
    }

    /// <summary>A page's documents, read one by one as the live projector reads them.</summary>
    private static Task<IReadOnlyList<JsonElement>> ChangesOfAsync(ResponseMessage page, CancellationToken cancellationToken) =>
        DeliveredChanges.DocumentsOfPageAsync(page.EnsureSuccessStatusCode().Content, cancellationToken);

    /// <summary>
    /// Replays a page into the target, each todo with transient failures retried in place; an unreadable document
    /// parks its todo as in the live projector. One without a readable todo id was dead-lettered by the live projector,
    /// which reads every document first, so it is only skipped here. Returns how many documents were replayed.
    /// </summary>
    private async Task<int> ReplayAsync(IReadOnlyList<JsonElement> changes, ReadTarget target, Container live, CancellationToken cancellationToken)
    {
        var (todos, withoutTodo) = DeliveredChanges.Read(changes);
        if (withoutTodo.Count > 0)
            logger.LogWarning("Rebuild: skipped {Count} change-feed documents without a readable todo id (dead-lettered by the live projector).", withoutTodo.Count);
        ITodoDocumentWriter[] writers = [writer, statisticsWriter];
        await Parallel.ForEachAsync(
            todos.SelectMany(todo => writers.Select(projection => (todo.TodoId, todo.Delivery, Writer: projection))),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelTodos, CancellationToken = cancellationToken },
            async (todo, token) => await retry.RunAsync(
                attempt => todo.Writer.ProjectAsync(
                    target, todo.TodoId, todo.Delivery, (poison, recordToken) => RecordUnlessParkedLiveAsync(todo.Writer, poison, live, recordToken), attempt),
                token));
        return todos.Sum(todo => todo.Delivery.Events.Count + (todo.Delivery.Unreadable is null ? 0 : 1));
    }

    /// <summary>A todo the live projector parked at the same event was recorded then; any other failure is news.</summary>
    private async Task RecordUnlessParkedLiveAsync(ITodoDocumentWriter projection, PoisonEvent poison, Container live, CancellationToken cancellationToken)
    {
        if ((await projection.ReadParkedAsync(live, poison.TodoId, cancellationToken))?.Version != poison.Version)
            await poisonSink.RecordAsync(poison, cancellationToken);
    }

    /// <summary>Every save stamps <see cref="RebuildProgress.SavedAt"/>: the liveness a rebuild request judges a stall by.</summary>
    private async Task<string?> SaveAsync(ReadModelPointer pointer, string? etag, CancellationToken cancellationToken)
    {
        var stamped = pointer with { Rebuild = pointer.Rebuild! with { SavedAt = clock.GetUtcNow() } };
        var saved = await pointers.TryWriteAsync(stamped, etag, cancellationToken);
        if (saved is null)
            logger.LogInformation("Rebuild {RequestId}: the pointer changed (another run took over, or the rebuild was cancelled); this one stops.", pointer.Rebuild!.RequestId);
        return saved;
    }

    private async Task SwitchAsync(ReadModelPointer pointer, RebuildProgress progress, string etag, CancellationToken cancellationToken)
    {
        var switched = pointer with
        {
            LiveVersion = progress.TargetVersion,
            LiveContainer = progress.TargetContainer,
            PreviousContainer = pointer.LiveContainer,
            PreviousVersion = pointer.LiveVersion,
            SwitchedAt = clock.GetUtcNow(),
            Rebuild = null,
        };
        if (await pointers.TryWriteAsync(switched, etag, cancellationToken) is null)
            logger.LogInformation("Rebuild {RequestId}: the pointer changed before the switch (another run took over, or the rebuild was cancelled); this run does not switch.", progress.RequestId);
        else
            logger.LogInformation("Rebuild {RequestId}: {Container} is live as read-model version {Version} after {Events} events.",
                progress.RequestId, progress.TargetContainer, progress.TargetVersion, progress.EventsProcessed);
    }
}
