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

    public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        var isReadModelWrite = request.Method != HttpMethod.Get
            && request.Headers["x-ms-documentdb-isquery"] is null
            && request.RequestUri.OriginalString.Contains($"/colls/{TodoStoreLayout.ReadModelContainer}", StringComparison.Ordinal);
        if (AnswerWritesWith is not { } status || !isReadModelWrite)
            return base.SendAsync(request, cancellationToken);
        return Task.FromResult(new ResponseMessage(status, request, $"Injected {(int)status}."));
    }
}
