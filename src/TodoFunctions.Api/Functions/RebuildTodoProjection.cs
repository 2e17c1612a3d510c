using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Functions;

/// <summary>
/// Runs a rebuild that <c>POST /api/admin/projections/todos/rebuild</c> queued, on whichever instance takes the
/// message. A run cut short (a timeout, a crash, a redeploy) throws or vanishes and the message comes back; the
/// next delivery resumes from the last saved position.
/// </summary>
public sealed class RebuildTodoProjection(ProjectionAdministration administration)
{
    [Function(nameof(RebuildTodoProjection))]
    public Task Run(
        [QueueTrigger(ProjectionQueues.RebuildRequests, Connection = ProjectionQueues.ConnectionSetting)] RebuildRequest request,
        CancellationToken cancellationToken) =>
        administration.RunRebuildAsync(request.RequestId, cancellationToken);
}
