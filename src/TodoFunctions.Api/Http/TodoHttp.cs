using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Http;

/// <summary>
/// Runs every HTTP function: puts on each response the headers the API promises on all of them (CORS, correlation id)
/// and turns every failure into problem+json, so no function maps an error itself and none answers a bare 500.
/// </summary>
public sealed class TodoHttp(ILogger<TodoHttp> logger)
{
    /// <summary>Sent by a client to trace its request into the stored events; answered on every response.</summary>
    public const string CorrelationIdHeader = "X-Correlation-Id";

    public const string CorrelationIdLogProperty = "CorrelationId";

    public const string CorrelationIdSpanTag = "todo.correlation_id";

    /// <summary>Sent as <c>false</c> by a client that prefers a faster answer to reading its own write at once.</summary>
    public const string WaitForReadModelHeader = "X-Wait-For-Read-Model";

    private const string ExposedHeaders = $"Location, ETag, Link, {TodoAnswers.ReadModelCaughtUpHeader}, {TodoAnswers.StaleHeader}, {CorrelationIdHeader}, {IdempotencyKeys.ReplayedHeader}, {HistoricalReads.MementoDatetimeHeader}, {ReadSessions.Header}";

    public async Task<IActionResult> Respond(HttpRequest request, Func<Task<IActionResult>> handle)
    {
        var headers = request.HttpContext.Response.Headers;
        headers[HeaderNames.AccessControlAllowOrigin] = "*";
        headers[HeaderNames.AccessControlExposeHeaders] = ExposedHeaders;
        var correlationId = CorrelationId(request);
        headers[CorrelationIdHeader] = correlationId;
        // Every log of the request, whichever logger writes it, and its span carry the id the client sees.
        using var scope = logger.BeginScope(new Dictionary<string, object> { [CorrelationIdLogProperty] = correlationId });
        Activity.Current?.SetTag(CorrelationIdSpanTag, correlationId);
        try
        {
            return await handle();
        }
        catch (Exception exception) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            if (Problems.ForException(exception) is { } problem) return problem;
            logger.LogError(exception, "{Method} {Path} failed unexpectedly", request.Method, request.Path);
            return Problems.Unexpected();
        }
    }

    /// <summary>
    /// The answer to a request without the function key on an endpoint that needs one. In Azure the Functions host
    /// refuses it before the function runs; a host without that check (the local host) answers with this.
    /// </summary>
    public Task<IActionResult> RefuseWithoutFunctionKey(HttpRequest request) =>
        Respond(request, () => Task.FromResult<IActionResult>(Problems.FunctionKeyRequired()));

    /// <summary>
    /// The answer to a request no function serves: 405 with <c>Allow</c> when functions serve its path with other
    /// methods (<paramref name="allowedMethods"/>), else 404. The Functions host answers these itself; the local host uses this.
    /// </summary>
    public Task<IActionResult> RefuseUnrouted(HttpRequest request, string? allowedMethods) =>
        Respond(request, () => Task.FromResult<IActionResult>(
            allowedMethods is null ? Problems.NoSuchResource() : Problems.MethodNotAllowed(request.Method, allowedMethods)));

    /// <summary>
    /// How a write is run: traced by the correlation id, guarded by If-Match and If-None-Match, and answered once the read model has it
    /// unless the client opts out with <see cref="WaitForReadModelHeader"/>.
    /// </summary>
    public static CommandContext CommandContext(HttpRequest request) =>
        new(CorrelationId(request), EntityTags.Precondition(request),
            WaitForReadModel: !string.Equals(request.Headers[WaitForReadModelHeader], "false", StringComparison.OrdinalIgnoreCase));

    /// <summary>The todo an <c>{id}</c> route value names; one that is not a UUID names no todo.</summary>
    public static Guid TodoId(string id) =>
        Guid.TryParse(id, out var todoId) ? todoId : throw new ProblemException(Problems.TodoNotFound());

    private static string CorrelationId(HttpRequest request) =>
        request.Headers[CorrelationIdHeader].ToString() is { Length: > 0 and <= 128 } given ? given : request.HttpContext.TraceIdentifier;
}
