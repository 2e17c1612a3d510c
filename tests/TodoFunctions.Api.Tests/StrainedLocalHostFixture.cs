using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// A local host under strain: its change feed reads are throttled from the start, so the projector never sees a
/// write and no write reaches the read model within the read-your-writes bound; its read-model reads can be throttled too.
/// </summary>
public sealed class StrainedLocalHostFixture : LocalHostFixture
{
    public CosmosThrottle Throttle { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["TodoStore:ReadYourWritesTimeout"] = "00:00:00.2",
        ["TodoStore:MaxConcurrencyRetries"] = "2",
        // The wait for the projector, which the command's own write of the read document would otherwise spare it.
        ["TodoStore:WriteThroughReadModel"] = "false",
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<CosmosClientOptions>(options => options.CustomHandlers.Add(Throttle));
}

/// <summary>Answers 429 the way Cosmos DB does once the SDK's own retries are spent: to every change feed read, and while
/// <see cref="ReadModelThrottled"/> to every request for the read-model container. While <see cref="AppendsConflict"/>,
/// every transactional batch answers 412, as when another writer always appends first.</summary>
public sealed class CosmosThrottle : RequestHandler
{
    public const int RetryAfterMilliseconds = 2000;

    public bool ReadModelThrottled { get; set; }

    public bool AppendsConflict { get; set; }

    public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        if (AppendsConflict && request.Headers["x-ms-cosmos-is-batch-request"] is not null)
            return Task.FromResult(new ResponseMessage(HttpStatusCode.PreconditionFailed, request));

        var path = request.RequestUri.OriginalString.TrimEnd('/');
        var isChangeFeedRead = !string.IsNullOrEmpty(request.Headers["A-IM"]) && path.EndsWith($"colls/{TodoStoreLayout.EventsContainer}");
        var isForReadModel = path.Contains($"colls/{TodoStoreLayout.ReadModelContainer}");
        if (!isChangeFeedRead && !(ReadModelThrottled && isForReadModel)) return base.SendAsync(request, cancellationToken);

        // Built without an error message: with one, the SDK fixes the exception before the headers are set.
        var throttled = new ResponseMessage(HttpStatusCode.TooManyRequests, request);
        throttled.Headers.Set("x-ms-retry-after-ms", RetryAfterMilliseconds.ToString());
        return Task.FromResult(throttled);
    }
}
