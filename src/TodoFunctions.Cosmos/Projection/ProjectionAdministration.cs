using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>Which read-model version and container serve reads, the one kept from before the last switch, and any rebuild.</summary>
public sealed record ProjectionStatus(int LiveVersion, string LiveContainer, string? PreviousContainer, RebuildProgress? Rebuild);

/// <summary>How far a rebuild has come; saved about once a second while it runs, so a status is at most that old.</summary>
public sealed record RebuildProgress(
    string RequestId, int TargetVersion, string TargetContainer, string State, long EventsProcessed, string? Position, DateTimeOffset StartedAt)
{
    /// <summary>Claimed, waiting for the queue-triggered run.</summary>
    public const string Requested = "Requested";

    /// <summary>Replaying the events container from the beginning into <see cref="TargetContainer"/>.</summary>
    public const string Replaying = "Replaying";

    /// <summary>Replayed to the end of the log; the live projector writes the target too until the switch.</summary>
    public const string CatchingUp = "CatchingUp";
}

/// <summary>What became of a rebuild request.</summary>
public abstract record RebuildRequestOutcome
{
    /// <summary>The rebuild is claimed; run it with <see cref="ProjectionAdministration.RunRebuildAsync"/> and this id.</summary>
    public sealed record Accepted(string RequestId) : RebuildRequestOutcome;

    /// <summary>Another rebuild holds the claim (HTTP 409).</summary>
    public sealed record AlreadyRunning(RebuildProgress Progress) : RebuildRequestOutcome;
}

/// <summary>What became of a retry of a parked todo.</summary>
public abstract record RetryParkedOutcome
{
    public sealed record NotParked : RetryParkedOutcome;

    /// <summary>An event still cannot be applied; the todo stays parked (at that event, which may be a later one).</summary>
    public sealed record StillFailing(string Error) : RetryParkedOutcome;

    /// <summary>The todo projects again and shows its stream up to <see cref="AppliedVersion"/>.</summary>
    public sealed record Resumed(long AppliedVersion) : RetryParkedOutcome;
}

/// <summary>
/// The operations on the projection that an operator drives through the admin endpoints: rebuild the read model
/// from the log, and list and re-drive todos parked on an event the projector could not apply.
/// </summary>
public sealed class ProjectionAdministration
{
    private readonly ReadModelPointers pointers;
    private readonly ReadModelRebuild rebuild;
    private readonly TodoViewWriter writer;
    private readonly IPoisonEventSink poisonSink;
    private readonly ReadModelCatchUp catchUp;
    private readonly TimeProvider clock;

    internal ProjectionAdministration(
        ReadModelPointers pointers, ReadModelRebuild rebuild, TodoViewWriter writer, IPoisonEventSink poisonSink, ReadModelCatchUp catchUp, TimeProvider clock)
    {
        this.pointers = pointers;
        this.rebuild = rebuild;
        this.writer = writer;
        this.poisonSink = poisonSink;
        this.catchUp = catchUp;
        this.clock = clock;
    }

    public async Task<ProjectionStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var (pointer, _) = await pointers.ReadAsync(cancellationToken);
        return new ProjectionStatus(pointer.LiveVersion, pointer.LiveContainer, pointer.PreviousContainer, pointer.Rebuild);
    }

    /// <summary>Claims the one rebuild slot with an If-Match write of the pointer; a rebuild already claimed refuses the request.</summary>
    public async Task<RebuildRequestOutcome> RequestRebuildAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (pointer, etag) = await pointers.ReadAsync(cancellationToken);
            if (pointer.Rebuild is { } running) return new RebuildRequestOutcome.AlreadyRunning(running);
            var requested = new RebuildProgress(
                Guid.NewGuid().ToString("N"), pointer.LiveVersion + 1, pointers.OtherReadContainer(pointer.LiveContainer),
                RebuildProgress.Requested, EventsProcessed: 0, Position: null, clock.GetUtcNow());
            if (await pointers.TryWriteAsync(pointer with { Rebuild = requested }, etag, cancellationToken) is not null)
                return new RebuildRequestOutcome.Accepted(requested.RequestId);
        }
    }

    /// <summary>Runs a claimed rebuild to its switch. Safe to deliver again: it resumes from the last saved position, or does nothing once done.</summary>
    public Task RunRebuildAsync(string requestId, CancellationToken cancellationToken) => rebuild.RunAsync(requestId, cancellationToken);

    /// <summary>The todos parked in the live read model, oldest first.</summary>
    public async Task<IReadOnlyList<ParkedTodo>> ListParkedAsync(CancellationToken cancellationToken)
    {
        var live = pointers.Container((await pointers.CurrentAsync(cancellationToken)).LiveContainer);
        var parked = await live.QueryAllAsync<TodoViewDocument>(new QueryDefinition("SELECT * FROM c WHERE IS_OBJECT(c.parked)"), null, cancellationToken);
        return [.. parked.Select(document => document.Parked!.Of(Guid.Parse(document.Id))).OrderBy(todo => todo.ParkedAt)];
    }

    /// <summary>
    /// Re-reads a parked todo's stream from the event store after its last applied version and applies it, in every
    /// read container the projector writes; the marker is cleared, or moved to the event that still fails.
    /// </summary>
    public async Task<RetryParkedOutcome> RetryParkedAsync(Guid todoId, CancellationToken cancellationToken)
    {
        var (pointer, _) = await pointers.ReadAsync(cancellationToken);
        var targets = pointers.WriteTargets(pointer);
        var shown = await TodoViewDocument.ReadAsync(targets[0].Container, todoId, cancellationToken);
        if (shown?.Document.Parked is null) return new RetryParkedOutcome.NotParked();

        var live = await writer.ResumeAsync(targets[0], todoId, poisonSink.RecordAsync, cancellationToken);
        foreach (var other in targets.Skip(1))
            await writer.ResumeAsync(other, todoId, recordPoison: null, cancellationToken);
        switch (live)
        {
            case ProjectionResult.Applied applied:
                catchUp.Projected(todoId, applied.Version);
                return new RetryParkedOutcome.Resumed(applied.Version);
            case ProjectionResult.Parked parked:
                return new RetryParkedOutcome.StillFailing(parked.Marker.Error);
            default:
                throw new InvalidOperationException("The live read container was taken over by a rebuild; read the status and retry.");
        }
    }
}
