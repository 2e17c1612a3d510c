using System.Net;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// Answers writes to the read containers with a chosen status when told to: a Cosmos DB outage or throttling as the
/// projector sees it once the SDK's own retries are spent (custom handlers sit outside them).
/// </summary>
internal sealed class ReadModelFaults : RequestHandler
{
    public HttpStatusCode? AnswerWritesWith { get; set; }

    /// <summary>Holds each point read of the read container until its caller gives up on it, then answers this: a
    /// failure that arrives just as the caller's deadline passes.</summary>
    public HttpStatusCode? AnswerReadsAtTheirDeadlineWith { get; set; }

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        var isReadModelPointRead = request.Method == HttpMethod.Get
            && request.RequestUri.OriginalString.Contains($"/colls/{TodoStoreLayout.ReadModelContainer}/docs/", StringComparison.Ordinal);
        if (AnswerReadsAtTheirDeadlineWith is { } atDeadline && isReadModelPointRead)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            return new ResponseMessage(atDeadline, request, $"Injected {(int)atDeadline} at the deadline.");
        }
        return await SendWriteAsync(request, cancellationToken);
    }

    private Task<ResponseMessage> SendWriteAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        var isReadModelWrite = request.Method != HttpMethod.Get
            && request.Headers["x-ms-documentdb-isquery"] is null
            && request.RequestUri.OriginalString.Contains($"/colls/{TodoStoreLayout.ReadModelContainer}", StringComparison.Ordinal);
        if (AnswerWritesWith is not { } status || !isReadModelWrite)
            return base.SendAsync(request, cancellationToken);
        return Task.FromResult(new ResponseMessage(status, request, $"Injected {(int)status}."));
    }
}
