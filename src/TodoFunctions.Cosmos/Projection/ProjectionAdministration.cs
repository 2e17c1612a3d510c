using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Which read-model version and container serve reads, the one kept from before the last switch, any rebuild (and
/// whether it has stalled: saved nothing for <see cref="TodoStoreOptions.RebuildStallTimeout"/>), and the last cancelled one.
/// </summary>
public sealed record ProjectionStatus(
    int LiveVersion, string LiveContainer, string? PreviousContainer, RebuildProgress? Rebuild, bool RebuildStalled = false, RebuildProgress? LastCancelled = null);

/// <summary>How far a rebuild has come; saved, and stamped <see cref="SavedAt"/>, about once a second while it runs.</summary>
public sealed record RebuildProgress(
    string RequestId, int TargetVersion, string TargetContainer, string State, long EventsProcessed, string? Position, DateTimeOffset StartedAt,
    DateTimeOffset SavedAt)
{
    /// <summary>Claimed, waiting for the queue-triggered run.</summary>
    public const string Requested = "Requested";

    /// <summary>Replaying the events container from the beginning into <see cref="TargetContainer"/>.</summary>
    public const string Replaying = "Replaying";

    /// <summary>Replayed to the end of the log; the live projector writes the target too until the switch.</summary>
    public const string CatchingUp = "CatchingUp";

    /// <summary>Cancelled by an operator (<see cref="SavedAt"/> is when); kept only as the pointer's last cancelled rebuild.</summary>
    public const string Cancelled = "Cancelled";

    /// <summary>Whether no run has saved this rebuild for <paramref name="timeout"/>: a worker crashed, hung or was given up on.</summary>
    public bool IsSilentFor(TimeSpan timeout, DateTimeOffset now) => now - SavedAt >= timeout;
}

/// <summary>What became of a rebuild request.</summary>
public abstract record RebuildRequestOutcome
{
    /// <summary>The rebuild is claimed; run it with <see cref="ProjectionAdministration.RunRebuildAsync"/> and this id.</summary>
    public sealed record Accepted(string RequestId) : RebuildRequestOutcome;

    /// <summary>Another rebuild holds the claim and is alive (HTTP 409); a request after <see cref="ResumableAfter"/> resumes it if it is silent till then.</summary>
    public sealed record AlreadyRunning(RebuildProgress Progress, DateTimeOffset ResumableAfter) : RebuildRequestOutcome;

    /// <summary>The claimed rebuild had stalled or its run was given up on (<see cref="Why"/>); queue its run again with this id.</summary>
    public sealed record Resumed(RebuildProgress Progress, string Why) : RebuildRequestOutcome;
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
/// from the log (and resume or cancel a stuck rebuild), and list and re-drive todos parked on an event the projector
/// could not apply.
/// </summary>
public sealed partial class ProjectionAdministration
{
    private readonly ReadModelPointers pointers;
    private readonly ReadModelRebuild rebuild;
    private readonly IReadOnlyList<ITodoDocumentWriter> writers;
    private readonly IPoisonEventSink poisonSink;
    private readonly ReadModelCatchUp catchUp;
    private readonly TimeProvider clock;

    internal ProjectionAdministration(
        ReadModelPointers pointers, ReadModelRebuild rebuild, TodoViewWriter writer, TodoStatisticsWriter statisticsWriter, IPoisonEventSink poisonSink,
        ReadModelCatchUp catchUp, TimeProvider clock)
    {
        this.pointers = pointers;
        this.rebuild = rebuild;
        writers = [writer, statisticsWriter];
        this.poisonSink = poisonSink;
        this.catchUp = catchUp;
        this.clock = clock;
    }

    public async Task<ProjectionStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var (pointer, _) = await pointers.ReadAsync(cancellationToken);
        return new ProjectionStatus(pointer.LiveVersion, pointer.LiveContainer, pointer.PreviousContainer, pointer.Rebuild,
            pointer.Rebuild?.IsSilentFor(pointers.RebuildStallTimeout, clock.GetUtcNow()) ?? false, pointer.LastCancelled);
    }

    /// <summary>Claims the one rebuild slot, or resumes the claimed rebuild if it has stalled.</summary>
    public Task<RebuildRequestOutcome> RequestRebuildAsync(CancellationToken cancellationToken) => RequestRebuildAsync([], cancellationToken);

    /// <summary>
    /// Claims the one rebuild slot with an If-Match write of the pointer. A claimed rebuild that is alive refuses the
    /// request; one that has stalled, or whose run the queue gave up on (its id is in <paramref name="runsGivenUp"/>),
    /// is resumed instead: its claim is stamped anew, which also stops any run still holding it at its next save.
    /// </summary>
    public async Task<RebuildRequestOutcome> RequestRebuildAsync(IReadOnlyCollection<string> runsGivenUp, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (pointer, etag) = await pointers.ReadAsync(cancellationToken);
            var now = clock.GetUtcNow();
            if (pointer.Rebuild is { } claimed)
            {
                if (WhyResume(claimed, runsGivenUp, now) is not { } why)
                    return new RebuildRequestOutcome.AlreadyRunning(claimed, claimed.SavedAt + pointers.RebuildStallTimeout);
                var resumed = claimed with { SavedAt = now };
                if (await pointers.TryWriteAsync(pointer with { Rebuild = resumed }, etag, cancellationToken) is not null)
                    return new RebuildRequestOutcome.Resumed(resumed, why);
                continue;
            }
            var requested = new RebuildProgress(
                Guid.NewGuid().ToString("N"), pointer.NextRebuildVersion(), pointers.OtherReadContainer(pointer.LiveContainer),
                RebuildProgress.Requested, EventsProcessed: 0, Position: null, StartedAt: now, SavedAt: now);
            if (await pointers.TryWriteAsync(pointer with { Rebuild = requested }, etag, cancellationToken) is not null)
                return new RebuildRequestOutcome.Accepted(requested.RequestId);
        }
    }

    /// <summary>Runs a claimed rebuild to its switch. Safe to deliver again: it resumes from the last saved position, or does nothing once done.</summary>
    public Task RunRebuildAsync(string requestId, CancellationToken cancellationToken) => rebuild.RunAsync(requestId, cancellationToken);

    /// <summary>The todos parked in the live read model, by the todo view or the statistics projection, oldest first.</summary>
    public async Task<IReadOnlyList<ParkedTodo>> ListParkedAsync(CancellationToken cancellationToken)
    {
        var live = pointers.Container((await pointers.CurrentAsync(cancellationToken)).LiveContainer);
        var parked = await live.QueryAllAsync<ParkedDocument>(
            new QueryDefinition("SELECT c.id, c.kind, c.parked FROM c WHERE IS_OBJECT(c.parked)"), null, cancellationToken);
        return [.. parked.Select(document => document.ToParkedTodo()).OrderBy(todo => todo.ParkedAt)];
    }

    /// <summary>What the parked list reads of a todo view or a statistics document.</summary>
    private sealed record ParkedDocument(string Id, string? Kind, ParkedMarker Parked)
    {
        public ParkedTodo ToParkedTodo() => Kind == TodoStatisticsDocument.DocumentKind
            ? Parked.Of(TodoStatisticsDocument.TodoIdOf(Id), ProjectionNames.Statistics)
            : Parked.Of(Guid.Parse(Id), ProjectionNames.Todos);
    }

    /// <summary>
    /// Re-reads a parked todo's stream from the event store after its last applied version and applies it, for each
    /// projection (the todo view, the statistics) that has it parked in the live container, in every read container
    /// the projectors write; each marker is cleared, or moved to the event that still fails.
    /// </summary>
    public async Task<RetryParkedOutcome> RetryParkedAsync(Guid todoId, CancellationToken cancellationToken)
    {
        var (pointer, _) = await pointers.ReadAsync(cancellationToken);
        var targets = pointers.WriteTargets(pointer);
        var parkedBy = new List<ITodoDocumentWriter>();
        foreach (var writer in writers)
            if (await writer.ReadParkedAsync(targets[0].Container, todoId, cancellationToken) is not null) parkedBy.Add(writer);
        if (parkedBy.Count == 0) return new RetryParkedOutcome.NotParked();

        var results = new List<ProjectionResult>();
        foreach (var writer in parkedBy)
        {
            results.Add(await writer.ResumeAsync(targets[0], todoId, poisonSink.RecordAsync, cancellationToken));
            foreach (var other in targets.Skip(1))
                await writer.ResumeAsync(other, todoId, recordPoison: null, cancellationToken);
        }
        // The todo resumes only when every projection that had it parked does.
        var live = results.FirstOrDefault(result => result is not ProjectionResult.Applied) ?? results.MaxBy(result => ((ProjectionResult.Applied)result).Version)!;
        switch (live)
        {
            case ProjectionResult.Applied applied:
                if (parkedBy.Contains(writers[0])) catchUp.Projected(todoId, applied.Version);
                return new RetryParkedOutcome.Resumed(applied.Version);
            case ProjectionResult.Parked parked:
                return new RetryParkedOutcome.StillFailing(parked.Marker.Error);
            default:
                throw new InvalidOperationException("The live read container was taken over by a rebuild; read the status and retry.");
        }
    }
}
