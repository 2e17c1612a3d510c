using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Functions;

/// <summary>The list's statistics, <c>/api/stats</c>: counts summed from the statistics projection.</summary>
public sealed class StatisticsFunctions(TodoHttp http, TodoStatistics statistics)
{
    /// <summary>
    /// The validator is read first and costs no aggregate, so an <c>If-None-Match</c> that still holds is answered 304
    /// for the price of the change-feed position reads; a write landing between tag and counts only costs the next poll a full answer.
    /// A 200 under a validator this instance has already answered reuses those counts for the same price.
    /// </summary>
    [Function("GetStatistics")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = TodoRoutes.Statistics)] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var live = await statistics.LiveAsync(cancellationToken);
            var validator = await live.ValidatorAsync(cancellationToken);
            var etag = EntityTags.Weak(validator);
            if (!EntityTags.NoneMatch(request, etag)) return new HttpAnswer(StatusCodes.Status304NotModified).WithHeader(HeaderNames.ETag, etag);
            return new HttpAnswer(StatusCodes.Status200OK, await live.CountsAsync(validator, cancellationToken)).WithHeader(HeaderNames.ETag, etag);
        });

    [Function("StatisticsOtherMethods")]
    public Task<IActionResult> OtherMethods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", "post", "put", "patch", "delete", Route = TodoRoutes.Statistics)] HttpRequest request) =>
        http.Respond(request, () => Task.FromResult<IActionResult>(TodoAnswers.PreflightOrMethodNotAllowed(request, "GET, HEAD, OPTIONS")));
}
