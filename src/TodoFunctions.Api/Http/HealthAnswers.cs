using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Cosmos;
using TodoFunctions.Cosmos.Health;

namespace TodoFunctions.Api.Http;

/// <summary>
/// The answers of the health endpoints: 200 when every check passes, else 503 with <c>Retry-After</c> (the next
/// measurement); the public one small and without secrets, the admin one per lease and per projection.
/// </summary>
internal static class HealthAnswers
{
    public static HttpAnswer Summary(ProjectionHealthReport report, TimeSpan refreshInterval)
    {
        var observation = report.Observation;
        var body = new
        {
            status = Status(report),
            observedAt = observation.ObservedAt,
            liveness = "up",
            readiness = report.Ready ? "ready" : "not ready",
            projection = new
            {
                leases = observation.Leases.Select(lease => new { lease.Projection, lease.LeaseToken, lease.Owner, checkpointStalledSeconds = StalledSeconds(lease, observation), backlog = lease.Backlog }),
                backlog = Projections(report).ToDictionary(projection => projection, report.Backlog),
                oldestUnprojectedAgeSeconds = Projections(report).ToDictionary(projection => projection, projection => report.OldestUnprojectedAge(projection)?.TotalSeconds),
                parked = observation.Parked.Count,
                deadLetters = observation.DeadLetters,
                rebuild = observation.Status?.Rebuild?.State,
            },
            failed = report.Checks.Where(check => !check.Healthy).Select(check => new { check.Name, check.Detail, check.Threshold }),
        };
        return Answer(report, body, refreshInterval);
    }

    public static HttpAnswer Detailed(ProjectionHealthReport report, TimeSpan refreshInterval)
    {
        var observation = report.Observation;
        var body = new
        {
            status = Status(report),
            observedAt = observation.ObservedAt,
            ready = report.Ready,
            requestCharge = observation.RequestCharge,
            projections = Projections(report).Select(projection => new
            {
                name = projection,
                backlog = report.Backlog(projection),
                oldestUnprojectedAgeSeconds = report.OldestUnprojectedAge(projection)?.TotalSeconds,
                changeFeedFailure = observation.ChangeFeedFailures.GetValueOrDefault(projection),
                leases = observation.Leases.Where(lease => lease.Projection == projection).Select(lease => new
                {
                    lease.LeaseToken, lease.Owner, lease.Backlog, lease.StalledSince, checkpointStalledSeconds = StalledSeconds(lease, observation), lease.OldestUnprojectedAt,
                }),
                parked = observation.Parked.Where(todo => todo.Projection == projection),
            }),
            deadLetters = observation.DeadLetters,
            readModel = observation.Status is { } status ? new { status.LiveVersion, status.LiveContainer, status.Rebuild, status.RebuildStalled } : null,
            checks = report.Checks,
        };
        return Answer(report, body, refreshInterval);
    }

    private static HttpAnswer Answer(ProjectionHealthReport report, object body, TimeSpan refreshInterval)
    {
        var answer = new HttpAnswer(report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, body)
            .WithHeader(HeaderNames.CacheControl, "no-store");
        return report.Healthy ? answer : answer.WithHeader(HeaderNames.RetryAfter, Math.Max(1, (int)Math.Ceiling(refreshInterval.TotalSeconds)).ToString());
    }

    private static string Status(ProjectionHealthReport report) => report.Healthy ? "healthy" : "unhealthy";

    private static IEnumerable<string> Projections(ProjectionHealthReport report) => report.Observation.Projections.Order();

    private static double StalledSeconds(LeaseObservation lease, HealthObservation observation) =>
        lease.StalledSince is { } since ? (observation.ObservedAt - since).TotalSeconds : 0;
}
