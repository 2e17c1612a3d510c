namespace TodoFunctions.Cosmos;

/// <summary>
/// Projects events into the read model: shaped like a Cosmos DB trigger function (a batch of event documents in,
/// nothing out) and the only writer of the read containers. Idempotent: each read document carries the stream
/// version it has applied, and events at or below it change nothing, so batches may be replayed. It returns only
/// once every event of the batch is applied or its todo durably parked; otherwise it throws, and the change feed
/// delivers the batch again.
/// </summary>
public sealed class TodoProjector
{
    private const int ParallelTodos = 8;

    private readonly ReadModelPointers pointers;
    private readonly TodoViewWriter writer;
    private readonly IPoisonEventSink poisonSink;
    private readonly ReadModelCatchUp catchUp;

    internal TodoProjector(ReadModelPointers pointers, TodoViewWriter writer, IPoisonEventSink poisonSink, ReadModelCatchUp catchUp)
    {
        this.pointers = pointers;
        this.writer = writer;
        this.poisonSink = poisonSink;
        this.catchUp = catchUp;
    }

    /// <summary>Applies a change-feed batch; snapshots are skipped because the events alone define the read model.</summary>
    public async Task ProjectAsync(IReadOnlyList<EventDocument> batch, CancellationToken cancellationToken)
    {
        var streams = batch.Where(document => document.IsEvent).GroupBy(document => document.TodoId).ToList();
        if (streams.Count == 0) return;
        var targets = pointers.WriteTargets(await pointers.CurrentAsync(cancellationToken));
        await Parallel.ForEachAsync(
            streams,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelTodos, CancellationToken = cancellationToken },
            async (stream, token) => await ProjectStreamAsync(stream.Key, [.. stream], targets, token));
    }

    private async Task ProjectStreamAsync(Guid todoId, IReadOnlyList<EventDocument> delivered, IReadOnlyList<ReadTarget> targets, CancellationToken cancellationToken)
    {
        // Only the live container's projection records poison, so the dead-letter queue hears of an event once; the
        // other containers park the todo all the same.
        var live = await writer.ProjectAsync(targets[0], todoId, delivered, poisonSink.RecordAsync, cancellationToken);
        foreach (var other in targets.Skip(1))
            await writer.ProjectAsync(other, todoId, delivered, recordPoison: null, cancellationToken);
        if (live is ProjectionResult.Applied applied) catchUp.Projected(todoId, applied.Version);
    }
}
