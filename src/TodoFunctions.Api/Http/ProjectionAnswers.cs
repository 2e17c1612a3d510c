using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Http;

/// <summary>The admin API's successful answers: the projection's state, its parked todos, and what a request set going.</summary>
internal static class ProjectionAnswers
{
    public static HttpAnswer Status(ProjectionStatus status) => new(
        StatusCodes.Status200OK,
        new ProjectionStatusRepresentation(status.LiveVersion, status.LiveContainer, status.PreviousContainer, status.Rebuild is not null, status.Rebuild));

    /// <summary>202: the rebuild runs from the queue; <c>Location</c> is the status to poll.</summary>
    public static HttpAnswer RebuildAccepted(HttpRequest request, string requestId)
    {
        var statusUrl = TodoUrls.ForPath(request, TodoRoutes.ProjectionStatus);
        return new HttpAnswer(StatusCodes.Status202Accepted, new RebuildAcceptedRepresentation(requestId, statusUrl))
            .WithHeader(HeaderNames.Location, statusUrl);
    }

    public static HttpAnswer Parked(IReadOnlyList<ParkedTodo> parked) => new(StatusCodes.Status200OK, parked);

    public static HttpAnswer Resumed(Guid todoId, long appliedVersion) =>
        new(StatusCodes.Status200OK, new ResumedRepresentation(todoId, appliedVersion));
}

/// <summary>The projection's state: which read-model version serves reads and, while one runs, how far the rebuild has come.</summary>
internal sealed record ProjectionStatusRepresentation(
    int LiveVersion, string LiveContainer, string? PreviousContainer, bool RebuildInProgress, RebuildProgress? Rebuild);

internal sealed record RebuildAcceptedRepresentation(string RequestId, string StatusUrl);

internal sealed record ResumedRepresentation(Guid TodoId, long AppliedVersion);
