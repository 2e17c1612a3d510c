using System.Net;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Cosmos;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Domain;

namespace TodoFunctions.Api.Http;

/// <summary>
/// Every error the API answers, as RFC 9457 problem details: the one place that decides which failure becomes which
/// status and what its body says.
/// </summary>
internal static class Problems
{
    public static HttpAnswer Validation(Dictionary<string, string[]> errors) =>
        Answer(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Detail = "Some fields of the body are invalid; errors names each one.",
        });

    public static HttpAnswer MalformedBody(string detail) => Problem(StatusCodes.Status400BadRequest, detail);

    public static HttpAnswer BadQuery(string detail) => Problem(StatusCodes.Status400BadRequest, detail);

    public static HttpAnswer InvalidCursor() =>
        Problem(StatusCodes.Status400BadRequest, "The cursor is not one this API issued; start again from the first page, without a cursor.");

    public static HttpAnswer TodoNotFound() => Problem(StatusCodes.Status404NotFound, "No todo with this id exists, or it has been deleted.");

    /// <summary>A past state asked for by version or time (<see cref="HistoricalReads"/>) that the todo did not have.</summary>
    public static HttpAnswer NotThen(string detail) => Problem(StatusCodes.Status404NotFound, detail);

    /// <summary>Any past state of a purged todo: its history is not served, even the versions before its deletion.</summary>
    public static HttpAnswer Purged() => Problem(StatusCodes.Status404NotFound, "This todo was purged: neither it nor its past states are served any more.");

    public static HttpAnswer NoSuchResource() => Problem(StatusCodes.Status404NotFound, "Nothing is served at this path; the API is under /api/todos.");

    public static HttpAnswer MethodNotAllowed(string method, string allowedMethods) =>
        Problem(StatusCodes.Status405MethodNotAllowed, $"{method} is not supported here; use {allowedMethods}.")
            .WithHeader("Allow", allowedMethods);

    public static HttpAnswer MalformedIdempotencyKey(string detail) => Problem(StatusCodes.Status400BadRequest, $"Idempotency-Key: {detail}");

    public static HttpAnswer MalformedSessionToken(string detail) => Problem(StatusCodes.Status400BadRequest, $"{ReadSessions.Header}: {detail}");

    public static HttpAnswer PreconditionFailed(string detail) => Problem(StatusCodes.Status412PreconditionFailed, detail);

    public static HttpAnswer BodyTooLarge(int maxBytes) =>
        Problem(StatusCodes.Status413PayloadTooLarge, $"The body must be at most {maxBytes} bytes.");

    public static HttpAnswer UnsupportedMediaType(string contentType) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, $"The body must be JSON (application/json), not {contentType}.");

    public static HttpAnswer Unexpected() =>
        Problem(StatusCodes.Status500InternalServerError, "The request failed unexpectedly; the log has it under this response's X-Correlation-Id.");

    public static HttpAnswer FunctionKeyRequired() =>
        Problem(StatusCodes.Status401Unauthorized, "This endpoint needs the function key, in the x-functions-key header or the code query parameter.");

    public static HttpAnswer RebuildAlreadyRunning(RebuildProgress running, DateTimeOffset resumableAfter)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Detail = $"Rebuild {running.RequestId} is already {running.State}, last saved at {running.SavedAt:O}; one rebuild runs at a time. " +
                $"Its progress is under rebuild. If it saves nothing more until {resumableAfter:O}, this request resumes it then; " +
                $"to stop it instead, POST /{TodoRoutes.ProjectionRebuildCancel}.",
        };
        problem.Extensions["rebuild"] = running;
        problem.Extensions["resumableAfter"] = resumableAfter;
        return Answer(problem);
    }

    public static HttpAnswer NoRebuildToCancel(RebuildProgress? lastCancelled)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Detail = "No rebuild is claimed, so there is nothing to cancel: none was requested, it has switched, or it was cancelled already.",
        };
        problem.Extensions["lastCancelled"] = lastCancelled;
        return Answer(problem);
    }

    /// <summary>Maps a retry of a parked todo that did not resume it.</summary>
    public static HttpAnswer ForRetryRefusal(RetryParkedOutcome outcome) => outcome switch
    {
        RetryParkedOutcome.NotParked => Problem(StatusCodes.Status404NotFound, "This todo is not parked: its projection is not waiting on any event."),
        RetryParkedOutcome.StillFailing failing => Problem(
            StatusCodes.Status409Conflict, $"The todo stays parked: an event still cannot be applied. {failing.Error}"),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a refusal."),
    };

    /// <summary>Maps a command the application refused.</summary>
    public static HttpAnswer ForRefusal(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Rejected { Reason: RejectionReason.NotFound or RejectionReason.Deleted or RejectionReason.Purged } => TodoNotFound(),
        CommandOutcome.Rejected { Reason: RejectionReason.NotDeleted } live => Problem(StatusCodes.Status409Conflict, live.Detail),
        CommandOutcome.Rejected { Reason: RejectionReason.InvalidTitle } invalid => Validation(new() { ["title"] = [invalid.Detail] }),
        CommandOutcome.Rejected { Reason: RejectionReason.AlreadyExists } conflict => Problem(StatusCodes.Status409Conflict, conflict.Detail),
        CommandOutcome.PreconditionFailed { CurrentVersion: { } current } => PreconditionFailed(
            $"The todo is at version {current}, which the request's If-Match does not name or its If-None-Match does.").WithHeader("ETag", EntityTags.For(current)),
        CommandOutcome.PreconditionFailed => PreconditionFailed("This todo does not exist or has been deleted, so no If-Match can name it."),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a refusal."),
    };

    /// <summary>Maps what a function threw; <c>null</c> for a failure nobody expected.</summary>
    public static HttpAnswer? ForException(Exception exception) => exception switch
    {
        ProblemException refused => refused.Answer,
        IdempotencyKeyMismatchException => Problem(StatusCodes.Status422UnprocessableEntity,
            "This Idempotency-Key was used for a different request (method, path or body); use a new key for a new request."),
        // By then the first request has answered or its marker can be taken over; an orphaned marker answers 409 until then.
        IdempotencyKeyInFlightException inFlight => Problem(StatusCodes.Status409Conflict,
            "A request with this Idempotency-Key is still being processed; retry after the Retry-After seconds to get its answer.")
            .WithHeader("Retry-After", Math.Max(1, (int)Math.Ceiling(inFlight.UntilTakeover.TotalSeconds)).ToString()),
        IdempotencyKeyTakenOverException => Problem(StatusCodes.Status409Conflict,
            "A later request with this Idempotency-Key took it over while this one ran too long; this one stored nothing. Retry to get that request's answer.")
            .WithHeader("Retry-After", "1"),
        InvalidListPositionException => InvalidCursor(),
        WriteOutcomeUnknownException unknown => OutcomeUnknown(unknown.CommandId),
        DeleteAllIncompleteException incomplete when ForException(incomplete.InnerException!)?.StatusCode == StatusCodes.Status503ServiceUnavailable =>
            DeleteAllIncomplete(incomplete),
        InvalidReadSessionException => MalformedSessionToken("Cosmos DB refused it; send back the token a write answered with."),
        CosmosException busy when IsUnavailable(busy.StatusCode, busy.SubStatusCode) => Busy(busy.RetryAfter ?? TimeSpan.FromSeconds(1)),
        // The SDK's own timeouts and lost connections; the request's own abort never reaches here (see TodoHttp.Respond).
        OperationCanceledException or HttpRequestException => Busy(TimeSpan.FromSeconds(1)),
        EventFromNewerReleaseException => Problem(StatusCodes.Status503ServiceUnavailable,
            "This todo holds an event written by a newer release of the app, which this instance cannot read yet; retry in 5 s.")
            .WithHeader("Retry-After", "5"),
        TransientProjectionException => Problem(StatusCodes.Status503ServiceUnavailable,
            "The projection could not complete this now (its store or dead-letter queue is unavailable, or a replica is behind); retry in 5 s.")
            .WithHeader("Retry-After", "5"),
        ConcurrencyRetriesExhaustedException => Problem(StatusCodes.Status503ServiceUnavailable,
            "Too many concurrent writes to this todo; retry in 1 s.").WithHeader("Retry-After", "1"),
        BadHttpRequestException badRequest => Problem(badRequest.StatusCode, badRequest.Message),
        // The storage client's retries end in an AggregateException when the service cannot be reached at all.
        RequestFailedException { Status: 0 or 429 or >= 500 } or AggregateException { InnerException: RequestFailedException } =>
            Problem(StatusCodes.Status503ServiceUnavailable, "The storage queue is unavailable; retry in 5 s.").WithHeader("Retry-After", "5"),
        _ => null,
    };

    /// <summary>
    /// Statuses with which Cosmos DB says "not now" once the SDK's own retries are spent: throttled (429), timed out
    /// (408), retry-with (449), partition moved (410, any sub-status), no replica yet at a read's session token (404
    /// with sub-status 1002) and any server-side failure (5xx).
    /// </summary>
    private const int ReadSessionNotAvailable = 1002;

    private static bool IsUnavailable(HttpStatusCode status, int subStatus) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.Gone or (HttpStatusCode)449
        || (status, subStatus) is (HttpStatusCode.NotFound, ReadSessionNotAvailable)
        || (int)status >= 500;

    /// <summary>Cosmos DB is busy or unreachable after the SDK's own retries: the client may retry, so say when.</summary>
    private static HttpAnswer Busy(TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return Problem(StatusCodes.Status503ServiceUnavailable, $"The database is busy or unreachable; retry in {seconds} s.")
            .WithHeader("Retry-After", seconds.ToString());
    }

    /// <summary>A write whose answer was lost and could not be checked: the client must not take it as failed.</summary>
    private static HttpAnswer OutcomeUnknown(string commandId)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Detail = $"The outcome of this write is unknown: the database lost its answer and could not be read back, so command {commandId} "
                + "may or may not have been stored. Retry in 1 s.",
        };
        problem.Extensions["commandId"] = commandId;
        return Answer(problem).WithHeader("Retry-After", "1");
    }

    /// <summary>A delete-all is one delete per todo: some happened, and a retry deletes the rest.</summary>
    private static HttpAnswer DeleteAllIncomplete(DeleteAllIncompleteException incomplete)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Detail = $"{incomplete.Deleted} todos were deleted; {incomplete.Failed} could not be, or could not be confirmed, while the database was unavailable. "
                + "Retry in 1 s to delete the rest.",
        };
        problem.Extensions["deleted"] = incomplete.Deleted;
        problem.Extensions["notDeleted"] = incomplete.Failed;
        return Answer(problem).WithHeader("Retry-After", "1");
    }

    private static HttpAnswer Problem(int status, string detail) => Answer(new ProblemDetails { Status = status, Detail = detail });

    private static HttpAnswer Answer(ProblemDetails problem)
    {
        var status = problem.Status!.Value;
        problem.Type = TypeUris.GetValueOrDefault(status, "about:blank");
        problem.Title = ReasonPhrases.GetReasonPhrase(status);
        return new HttpAnswer(status, problem, "application/problem+json");
    }

    private static readonly Dictionary<int, string> TypeUris = new()
    {
        [400] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        [401] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        [404] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        [405] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6",
        [409] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
        [412] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.13",
        [413] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        [415] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        [422] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21",
        [500] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1",
        [503] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
    };
}

/// <summary>Stops a request that must be refused before it reaches the application: a bad id, body or precondition.</summary>
internal sealed class ProblemException(HttpAnswer answer) : Exception($"Refused with status {answer.StatusCode}.")
{
    public HttpAnswer Answer => answer;
}
