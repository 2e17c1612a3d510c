using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos.Health;

/// <summary>A projection's leases as read: per lease its owner, checkpoint, estimated backlog and the append time of its first unapplied event.</summary>
internal sealed record LeaseReading(string LeaseToken, string? Owner, string? Checkpoint, long? Backlog, DateTimeOffset? OldestUnprojectedAt);

/// <summary>What one projection's probe read, what it cost, and why its change feed could not be estimated (<c>null</c>: it could).</summary>
internal sealed record ProjectionReading(IReadOnlyList<LeaseReading> Leases, string? ChangeFeedFailure, double RequestCharge);

/// <summary>
/// Reads a change-feed projection's progress without scanning: its lease documents (a handful in the leases
/// container), the SDK's change feed estimator, and for each lease with a backlog the one change-feed item after its
/// checkpoint, whose append time is the age of the oldest unprojected event, measured.
/// </summary>
internal sealed class ChangeFeedLeaseProbe(Container events, Container leases, TimeSpan timeout)
{
    /// <summary>Per lease range, the SDK's own change-feed continuation: the template whose position is set to a lease's checkpoint.</summary>
    private readonly ConcurrentDictionary<string, JsonNode> continuationTemplates = new();

    public async Task<ProjectionReading> ReadAsync(string processorName, CancellationToken cancellationToken)
    {
        double charge = 0;
        var documents = new List<LeaseDocument>();
        // The processor names its lease documents after itself; the one without a lease token is its store's marker.
        var query = new QueryDefinition("SELECT * FROM c WHERE STARTSWITH(c.id, @prefix) AND IS_DEFINED(c.LeaseToken)").WithParameter("@prefix", processorName);
        using (var iterator = leases.GetItemQueryIterator<LeaseDocument>(query))
            while (iterator.HasMoreResults)
            {
                var page = await iterator.ReadNextAsync(cancellationToken);
                charge += page.RequestCharge;
                documents.AddRange(page);
            }

        var readings = new List<LeaseReading>();
        string? failure = null;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            var backlogs = new Dictionary<string, long>();
            using (var estimator = events.GetChangeFeedEstimator(processorName, leases).GetCurrentStateIterator())
                while (estimator.HasMoreResults)
                {
                    var page = await estimator.ReadNextAsync(bounded.Token);
                    // Before the processor has written a lease the SDK answers an empty page whose headers throw NotImplementedException.
                    if (page.Count == 0) continue;
                    charge += page.RequestCharge;
                    foreach (var state in page) backlogs[state.LeaseToken] = state.EstimatedLag;
                }
            foreach (var lease in documents)
            {
                var backlog = backlogs.GetValueOrDefault(lease.LeaseToken);
                DateTimeOffset? oldest = null;
                if (backlog > 0)
                {
                    var (appendedAt, cost) = await FirstUnappliedAsync(lease, bounded.Token);
                    (oldest, charge) = (appendedAt, charge + cost);
                }
                readings.Add(new LeaseReading(lease.LeaseToken, lease.Owner, lease.ContinuationToken, backlog, oldest));
            }
        }
        catch (Exception exception) when (exception is CosmosException or KeyNotFoundException or JsonException or InvalidDataException
                                          || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            failure = exception switch
            {
                CosmosException cosmos => $"{(int)cosmos.StatusCode} {cosmos.StatusCode}",
                OperationCanceledException => $"no answer within {timeout.TotalSeconds:0.#} s",
                _ => $"an unexpected change-feed answer ({exception.GetType().Name})",
            };
            readings = [.. documents.Select(lease => new LeaseReading(lease.LeaseToken, lease.Owner, lease.ContinuationToken, Backlog: null, OldestUnprojectedAt: null))];
        }
        return new ProjectionReading(readings, failure, charge);
    }

    /// <summary>The append time of the first change after the lease's checkpoint (one item, one request), and what reading it cost.</summary>
    private async Task<(DateTimeOffset? AppendedAt, double Charge)> FirstUnappliedAsync(LeaseDocument lease, CancellationToken cancellationToken)
    {
        double charge = 0;
        var range = FeedRange.FromJsonString(lease.FeedRange.GetRawText());
        ChangeFeedStartFrom start;
        if (lease.ContinuationToken is null)
            start = ChangeFeedStartFrom.Beginning(range);
        else
        {
            var (template, cost) = await ContinuationTemplateAsync(lease.LeaseToken, range, cancellationToken);
            charge += cost;
            var continuation = template.DeepClone();
            continuation["Continuation"]![0]!["State"]!["value"] = lease.ContinuationToken;
            start = ChangeFeedStartFrom.ContinuationToken(continuation.ToJsonString());
        }
        using var feed = events.GetChangeFeedStreamIterator(start, ChangeFeedMode.LatestVersion, new ChangeFeedRequestOptions { PageSizeHint = 1 });
        using var response = await feed.ReadNextAsync(cancellationToken);
        charge += response.Headers.RequestCharge;
        if (response.StatusCode == HttpStatusCode.NotModified) return (null, charge);
        response.EnsureSuccessStatusCode();
        using var page = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
        var first = page.RootElement.GetProperty("Documents").EnumerateArray().FirstOrDefault();
        return (first.ValueKind == JsonValueKind.Object ? AppendedAt(first) : null, charge);
    }

    /// <summary>Events carry their append time to the millisecond; any other document has only the server's <c>_ts</c>, in seconds.</summary>
    private static DateTimeOffset AppendedAt(JsonElement document) =>
        document.TryGetProperty("timestamp", out var timestamp) && timestamp.TryGetDateTimeOffset(out var appendedAt)
            ? appendedAt
            : DateTimeOffset.FromUnixTimeSeconds(document.GetProperty("_ts").GetInt64());

    /// <summary>The SDK's continuation for the lease's range, read once from "now" (a 304 that costs next to nothing); the position is replaced per read.</summary>
    private async Task<(JsonNode Template, double Charge)> ContinuationTemplateAsync(string leaseToken, FeedRange range, CancellationToken cancellationToken)
    {
        if (continuationTemplates.TryGetValue(leaseToken, out var cached)) return (cached, 0);
        using var feed = events.GetChangeFeedStreamIterator(ChangeFeedStartFrom.Now(range), ChangeFeedMode.LatestVersion, new ChangeFeedRequestOptions { PageSizeHint = 1 });
        using var response = await feed.ReadNextAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotModified) response.EnsureSuccessStatusCode();
        var template = JsonNode.Parse(response.ContinuationToken) ?? throw new InvalidDataException("The change feed answered without a continuation.");
        return (continuationTemplates.GetOrAdd(leaseToken, template), response.Headers.RequestCharge);
    }

    /// <summary>The parts of the SDK's lease document read here (its own property names).</summary>
    private sealed record LeaseDocument(string Id, string LeaseToken, string? Owner, string? ContinuationToken, JsonElement FeedRange);
}
