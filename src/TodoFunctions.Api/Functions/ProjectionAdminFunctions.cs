using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Functions;

/// <summary>
/// The operators' API, <c>/api/admin/projections/todos…</c>: the projection's state, rebuilding it from the log
/// (resuming or cancelling a stuck rebuild), and re-driving todos parked on an event the projector could not apply.
/// Never anonymous: a function key is required.
/// </summary>
public sealed class ProjectionAdminFunctions(TodoHttp http, ProjectionAdministration administration, RebuildRequestQueue rebuildRequests)
{
    [Function("GetTodoProjectionStatus")]
    public Task<IActionResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = TodoRoutes.ProjectionStatus)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () => ProjectionAnswers.Status(await administration.GetStatusAsync(cancellationToken)));

    /// <summary>
    /// Claims the one rebuild slot, then queues its run. A request while a claimed rebuild has not started yet queues
    /// that one's run again, in case its message was lost (a run delivered twice hands over, it does not run twice).
    /// A claimed rebuild that stalled, or whose message the host moved to the poison queue, is resumed: its run is
    /// queued again, and its poison message deleted once that is done.
    /// </summary>
    [Function("RequestTodoProjectionRebuild")]
    public Task<IActionResult> Rebuild(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = TodoRoutes.ProjectionRebuild)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var givenUp = await rebuildRequests.GivenUpAsync(cancellationToken);
            switch (await administration.RequestRebuildAsync(givenUp, cancellationToken))
            {
                case RebuildRequestOutcome.Accepted accepted:
                    await rebuildRequests.EnqueueAsync(new RebuildRequest(accepted.RequestId), cancellationToken);
                    return ProjectionAnswers.RebuildAccepted(request, accepted.RequestId);
                case RebuildRequestOutcome.Resumed resumed:
                    await rebuildRequests.EnqueueAsync(new RebuildRequest(resumed.Progress.RequestId), cancellationToken);
                    if (givenUp.Contains(resumed.Progress.RequestId))
                        await rebuildRequests.RemoveGivenUpAsync(resumed.Progress.RequestId, cancellationToken);
                    return ProjectionAnswers.RebuildResumed(request, resumed);
                case RebuildRequestOutcome.AlreadyRunning running:
                    if (running.Progress.State == RebuildProgress.Requested)
                        await rebuildRequests.EnqueueAsync(new RebuildRequest(running.Progress.RequestId), cancellationToken);
                    return Problems.RebuildAlreadyRunning(running.Progress, running.ResumableAfter);
                case var outcome:
                    throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown rebuild request outcome.");
            }
        });

    /// <summary>
    /// Drops the claimed rebuild, whatever its state. Its poison message, if any, is left as the operators' record:
    /// a cancelled request's run does nothing.
    /// </summary>
    [Function("CancelTodoProjectionRebuild")]
    public Task<IActionResult> CancelRebuild(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = TodoRoutes.ProjectionRebuildCancel)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () => await administration.CancelRebuildAsync(cancellationToken) switch
        {
            RebuildCancelOutcome.Cancelled cancelled => ProjectionAnswers.RebuildCancelled(cancelled),
            RebuildCancelOutcome.NothingToCancel nothing => Problems.NoRebuildToCancel(nothing.LastCancelled),
            var outcome => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown rebuild cancel outcome."),
        });

    [Function("ListParkedTodos")]
    public Task<IActionResult> Parked(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = TodoRoutes.ParkedTodos)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () => ProjectionAnswers.Parked(await administration.ListParkedAsync(cancellationToken)));

    [Function("RetryParkedTodo")]
    public Task<IActionResult> Retry(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = TodoRoutes.ParkedTodoRetry)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var todoId = TodoHttp.TodoId(id);
            var outcome = await administration.RetryParkedAsync(todoId, cancellationToken);
            return outcome is RetryParkedOutcome.Resumed resumed
                ? ProjectionAnswers.Resumed(todoId, resumed.AppliedVersion)
                : Problems.ForRetryRefusal(outcome);
        });
}
