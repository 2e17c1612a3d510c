using System.Diagnostics;
using System.Text.Json;
using TodoFunctions.Cosmos.Purge;
using TodoFunctions.Cosmos.Telemetry;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Projects events into the read model: shaped like a Cosmos DB trigger function (a batch of change-feed documents
/// in, nothing out) and the only writer of the read containers. Idempotent: each read document carries the stream
/// version it has applied, and events at or below it change nothing, so batches may be replayed. Each document is
/// read on its own, and each todo projected on its own with transient failures retried in place, so neither a
/// malformed document nor a throttled todo holds up the others. It returns only once every document of the batch is
/// applied, or its todo durably parked, or (with no readable todo) durably dead-lettered; otherwise it throws, and
/// the change feed delivers the batch again. The projection it keeps is its writer's: the todo view, or (as a
/// <see cref="TodoStatisticsProjector"/>) the statistics documents, each fed by its own change feed processor.
/// </summary>
public class TodoProjector
{
    private readonly ReadModelPointers pointers;
    private readonly ITodoDocumentWriter writer;
    private readonly IPoisonEventSink poisonSink;
    private readonly ReadModelCatchUp? catchUp;
    private readonly TransientRetry retry;
    private readonly TimeProvider clock;
    private readonly PurgeMasking? purgeMasking;
    private readonly int parallelism;

    internal TodoProjector(
        ReadModelPointers pointers, ITodoDocumentWriter writer, IPoisonEventSink poisonSink, ReadModelCatchUp? catchUp, TransientRetry retry, TimeProvider clock,
        PurgeMasking? purgeMasking, int parallelism)
    {
        this.parallelism = Math.Max(1, parallelism);
        this.pointers = pointers;
        this.writer = writer;
        this.poisonSink = poisonSink;
        this.catchUp = catchUp;
        this.retry = retry;
        this.clock = clock;
        this.purgeMasking = purgeMasking;
    }

    /// <summary>Applies a change-feed batch of raw documents; snapshots are skipped because the events alone define the read model.</summary>
    public async Task ProjectAsync(IReadOnlyList<JsonElement> changes, CancellationToken cancellationToken)
    {
        var (todos, withoutTodo) = DeliveredChanges.Read(changes);
        // A document that names no todo is the same news to every projection: the todo view's records it.
        foreach (var unreadable in writer.Projection == ProjectionNames.Todos ? withoutTodo : [])
            await retry.RunAsync(token => RecordAsync(() => poisonSink.RecordUnreadableAsync(
                new UnreadableDocument(unreadable.Raw, unreadable.Error, clock.GetUtcNow()), token)), cancellationToken);
        if (todos.Count == 0) return;
        var targets = pointers.WriteTargets(await retry.RunAsync(pointers.CurrentAsync, cancellationToken));
        await Parallel.ForEachAsync(
            todos,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (todo, token) => await retry.RunAsync(attempt => ProjectTodoAsync(todo.TodoId, todo.Delivery, targets, attempt), token));
    }

    /// <summary>Applies typed event documents, as a caller that already holds them (a test, a tool) has them.</summary>
    public Task ProjectAsync(IReadOnlyList<EventDocument> batch, CancellationToken cancellationToken) =>
        ProjectAsync([.. batch.Select(document => JsonSerializer.SerializeToElement(document, TodoJson.Options))], cancellationToken);

    private async Task ProjectTodoAsync(Guid todoId, Delivery delivered, IReadOnlyList<ReadTarget> targets, CancellationToken cancellationToken)
    {
        using var span = StartProjectSpan(todoId, delivered);
        // Only the live container's projection records poison, so the dead-letter queue hears of an event once; the
        // other containers park the todo all the same.
        var live = await writer.ProjectAsync(targets[0], todoId, delivered, RecordPoisonAsync, cancellationToken);
        foreach (var other in targets.Skip(1))
            await writer.ProjectAsync(other, todoId, delivered, recordPoison: null, cancellationToken);
        // A purge is finished here too, before the feed moves past its event: a crash between its append and its masking
        // cannot leave the title, and a writer waiting for the read model sees the masking done.
        if (purgeMasking is not null && delivered.Events.Any(PurgeMasking.Completes)) await purgeMasking.MaskAsync(todoId, cancellationToken);
        if (live is not ProjectionResult.Applied applied) return;
        catchUp?.Projected(todoId, applied.Version);
        span?.SetTag("todo.version", applied.Version);
        TodoTelemetry.EventsProjected(
            writer.Projection, delivered.Events.Where(e => e.Version <= applied.Version).Select(e => e.Timestamp), clock.GetUtcNow());
    }

    /// <summary>
    /// The span of one todo's share of a batch: a root of its own, since one batch serves many requests, linked to the
    /// span of each request whose events it applies (their stored <c>traceparent</c>).
    /// </summary>
    private Activity? StartProjectSpan(Guid todoId, Delivery delivered)
    {
        var links = delivered.Events
            .Select(e => e.TraceParent).OfType<string>().Distinct()
            .Select(traceParent => ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? new ActivityLink(context) : (ActivityLink?)null)
            .OfType<ActivityLink>()
            .ToList();
        // The change feed processor's own activity, if any, is not this span's cause: start a new trace.
        Activity.Current = null;
        var span = TodoTelemetry.Source.StartActivity("todo.project", ActivityKind.Consumer, parentContext: default, links: links);
        span?.SetTag("todo.projection", writer.Projection);
        span?.SetTag("todo.id", todoId);
        span?.SetTag("todo.events", delivered.Events.Count);
        return span;
    }

    private Task RecordPoisonAsync(PoisonEvent poison, CancellationToken cancellationToken) =>
        RecordAsync(() => poisonSink.RecordAsync(poison, cancellationToken));

    /// <summary>A dead-letter queue that refuses a record is down for now: its failure is retried like a database's.</summary>
    private static async Task RecordAsync(Func<Task> record)
    {
        try
        {
            await record();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new PoisonRecordingFailedException(e);
        }
    }
}

/// <summary>
/// Keeps the statistics documents that <c>/api/stats</c> sums: the same projector with the statistics writer, on its
/// own change feed processor, so a slow or parked statistics projection never holds up the todo view, nor the other way.
/// </summary>
public sealed class TodoStatisticsProjector : TodoProjector
{
    internal TodoStatisticsProjector(
        ReadModelPointers pointers, TodoStatisticsWriter writer, IPoisonEventSink poisonSink, TransientRetry retry, TimeProvider clock, int parallelism)
        : base(pointers, writer, poisonSink, catchUp: null, retry, clock, purgeMasking: null, parallelism)
    {
    }
}
