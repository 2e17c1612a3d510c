using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Read-your-writes: lets a command wait until the read model shows its version. A projector in this process
/// signals each document it writes, so waiting costs no request; polling the read document (point reads with
/// backoff) covers a projector that runs in another process.
/// </summary>
public sealed class ReadModelCatchUp(TodoReadModel readModel, IOptions<TodoStoreOptions> options)
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(20);
    // The local projector signals within a change-feed poll or two; polling then only covers a todo whose lease
    // another instance of the app holds.
    private static readonly TimeSpan FirstPollWhenProjectingHere = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly Dictionary<Guid, List<ProjectionWatch>> watches = [];
    private volatile bool projectingHere;

    /// <summary>Starts watching the projection of one todo; start before appending so no signal can be missed.</summary>
    public ProjectionWatch Watch(Guid todoId)
    {
        var watch = new ProjectionWatch(todoId, Forget);
        lock (gate)
        {
            if (!watches.TryGetValue(todoId, out var forTodo)) watches[todoId] = forTodo = [];
            forTodo.Add(watch);
        }
        return watch;
    }

    /// <summary>Called by the projector once a todo's read document is at <paramref name="version"/>.</summary>
    public void Projected(Guid todoId, long version)
    {
        projectingHere = true;
        lock (gate)
        {
            if (watches.TryGetValue(todoId, out var forTodo))
                foreach (var watch in forTodo) watch.Advance(version);
        }
    }

    /// <summary>
    /// Waits until the read model shows <paramref name="version"/> or <see cref="TodoStoreOptions.ReadYourWritesTimeout"/>
    /// passes; true when it does. <paramref name="checkFirst"/> reads the document at once, for a command that
    /// appended nothing and so will cause no signal.
    /// </summary>
    public async Task<bool> WaitAsync(ProjectionWatch watch, long version, bool checkFirst, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.ReadYourWritesTimeout);
        var pause = checkFirst ? TimeSpan.Zero : projectingHere ? FirstPollWhenProjectingHere : FirstPoll;
        try
        {
            while (true)
            {
                var (projected, advanced) = watch.Progress;
                if (projected >= version) return true;
                if (await Task.WhenAny(advanced, Task.Delay(pause, deadline.Token)) == advanced) continue;
                deadline.Token.ThrowIfCancellationRequested();
                if (await AppliedVersionOrNoneAsync(watch.TodoId, deadline.Token) >= version) return true;
                pause = TimeSpan.FromTicks(Math.Clamp(pause.Ticks * 2, FirstPoll.Ticks, LongestPoll.Ticks));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// A poll that fails saw nothing yet: the write it waits for has committed, so an unavailable read model may cost
    /// the caller its read-your-writes promise, never the answer that the write succeeded. Only a cancellation goes on
    /// (the wait's own deadline ends it with false): a 503 that arrives as the deadline passes is still a failed poll,
    /// where the filter on the deadline let it escape as the command's failure (a CI run on a loaded machine).
    /// </summary>
    private async Task<long> AppliedVersionOrNoneAsync(Guid todoId, CancellationToken deadline)
    {
        try
        {
            return await readModel.ReadAppliedVersionAsync(todoId, deadline);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            return 0;
        }
    }

    private void Forget(ProjectionWatch watch)
    {
        lock (gate)
        {
            if (watches.TryGetValue(watch.TodoId, out var forTodo) && forTodo.Remove(watch) && forTodo.Count == 0)
                watches.Remove(watch.TodoId);
        }
    }
}

/// <summary>The projection progress of one todo seen by one waiting command; dispose it when the command is done.</summary>
public sealed class ProjectionWatch(Guid todoId, Action<ProjectionWatch> forget) : IDisposable
{
    private readonly Lock gate = new();
    private long projectedVersion;
    private TaskCompletionSource advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Guid TodoId { get; } = todoId;

    /// <summary>The highest version projected since the watch started, and a task that completes when it rises.</summary>
    internal (long Version, Task Advanced) Progress
    {
        get { lock (gate) return (projectedVersion, advanced.Task); }
    }

    internal void Advance(long version)
    {
        TaskCompletionSource rose;
        lock (gate)
        {
            if (version <= projectedVersion) return;
            projectedVersion = version;
            (rose, advanced) = (advanced, new(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        rose.SetResult();
    }

    public void Dispose() => forget(this);
}
