using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Http;

/// <summary>The admin API's successful answers: the projection's state, its parked todos, and what a request set going or stopped.</summary>
internal static class ProjectionAnswers
{
    public static HttpAnswer Status(ProjectionStatus status) => new(
        StatusCodes.Status200OK,
        new ProjectionStatusRepresentation(
            status.LiveVersion, status.LiveContainer, status.PreviousContainer, status.Rebuild is not null, status.Rebuild, status.RebuildStalled, status.LastCancelled));

    /// <summary>202: the rebuild runs from the queue; <c>Location</c> is the status to poll.</summary>
    public static HttpAnswer RebuildAccepted(HttpRequest request, string requestId)
    {
        var statusUrl = TodoUrls.ForPath(request, TodoRoutes.ProjectionStatus);
        return new HttpAnswer(StatusCodes.Status202Accepted, new RebuildAcceptedRepresentation(requestId, statusUrl))
            .WithHeader(HeaderNames.Location, statusUrl);
    }

    /// <summary>202: the claimed rebuild's run is queued again and carries on from its saved position.</summary>
    public static HttpAnswer RebuildResumed(HttpRequest request, RebuildRequestOutcome.Resumed resumed)
    {
        var statusUrl = TodoUrls.ForPath(request, TodoRoutes.ProjectionStatus);
        var representation = new RebuildResumedRepresentation(
            resumed.Progress.RequestId, statusUrl, Resumed: true,
            $"{resumed.Why} It resumes from its saved position ({resumed.Progress.EventsProcessed} events replayed); a run still holding it stops at its next save.",
            resumed.Progress);
        return new HttpAnswer(StatusCodes.Status202Accepted, representation).WithHeader(HeaderNames.Location, statusUrl);
    }

    /// <summary>200: the claim is gone; the answer says when the live projector stops writing the abandoned container.</summary>
    public static HttpAnswer RebuildCancelled(RebuildCancelOutcome.Cancelled cancelled) => new(
        StatusCodes.Status200OK,
        new RebuildCancelledRepresentation(
            cancelled.Progress, cancelled.TargetWritesStopBy,
            $"Rebuild {cancelled.Progress.RequestId} is cancelled. A worker still running it stops at its next save (about a second). Each instance " +
            $"stops writing {cancelled.Progress.TargetContainer} when it next reads the read-model pointer, by about {cancelled.TargetWritesStopBy:O} " +
            "(one pointer-cache window). The next rebuild takes a newer read-model version and overwrites what this one left there."));

    public static HttpAnswer Parked(IReadOnlyList<ParkedTodo> parked) => new(StatusCodes.Status200OK, parked);

    public static HttpAnswer Resumed(Guid todoId, long appliedVersion) =>
        new(StatusCodes.Status200OK, new ResumedRepresentation(todoId, appliedVersion));
}

/// <summary>The projection's state: which read-model version serves reads and, while one runs, how far the rebuild has come.</summary>
internal sealed record ProjectionStatusRepresentation(
    int LiveVersion, string LiveContainer, string? PreviousContainer, bool RebuildInProgress, RebuildProgress? Rebuild, bool RebuildStalled,
    RebuildProgress? LastCancelled);

internal sealed record RebuildAcceptedRepresentation(string RequestId, string StatusUrl);

internal sealed record RebuildResumedRepresentation(string RequestId, string StatusUrl, bool Resumed, string Detail, RebuildProgress Rebuild);

internal sealed record RebuildCancelledRepresentation(RebuildProgress Cancelled, DateTimeOffset TargetWritesStopBy, string Detail);

internal sealed record ResumedRepresentation(Guid TodoId, long AppliedVersion);
