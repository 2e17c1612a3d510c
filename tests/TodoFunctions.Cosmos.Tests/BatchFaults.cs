using System.Globalization;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// Answers every transactional batch with a chosen failure status when told to. Custom handlers sit outside the
/// SDK's retry handler, so a 429 here is what the store sees once throttling has outlasted the SDK's own retries.
/// </summary>
internal sealed class BatchFaults : RequestHandler
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMilliseconds(1500);

    public HttpStatusCode? AnswerBatchesWith { get; set; }

    public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        if (AnswerBatchesWith is not { } status || request.Headers["x-ms-cosmos-is-batch-request"] is null)
            return base.SendAsync(request, cancellationToken);
        var refused = new ResponseMessage(status, request, $"Injected {(int)status}.");
        refused.Headers.Set("x-ms-retry-after-ms", RetryAfter.TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
        return Task.FromResult(refused);
    }
}
