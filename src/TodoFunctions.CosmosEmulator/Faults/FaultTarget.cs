using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Server;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Faults;

/// <summary>What a request does and to which resource, as fault rules match it and count requests per resource. A
/// query or change feed read addressed to a partition key range (or part of one) counts against that range, so
/// each range's feed draws its own faults whatever order the ranges are read in.</summary>
internal sealed record FaultTarget(FaultOperation Operation, string? Container, string? PartitionKey, string? ItemId, string? FeedRange)
{
    public static async Task<FaultTarget> OfAsync(GatewayRequest request, Account account)
    {
        var operation = OperationOf(request);
        var itemId = operation switch
        {
            FaultOperation.Read or FaultOperation.Replace or FaultOperation.Delete or FaultOperation.Patch => request.Segments[5],
            FaultOperation.Create or FaultOperation.Upsert => await BodyIdAsync(request),
            _ => null,
        };
        return new FaultTarget(operation, ContainerIdOf(request, account), PartitionKeyOf(request), itemId, FeedRangeOf(request));
    }

    private static FaultOperation OperationOf(GatewayRequest request) => (request.Segments, request.Method) switch
    {
        (["dbs", _, "colls", _, "docs", _], "GET" or "HEAD") => FaultOperation.Read,
        (["dbs", _, "colls", _, "docs", _], "PUT") => FaultOperation.Replace,
        (["dbs", _, "colls", _, "docs", _], "DELETE") => FaultOperation.Delete,
        (["dbs", _, "colls", _, "docs", _], "PATCH") => FaultOperation.Patch,
        (["dbs", _, "colls", _, "docs"], "POST") when request.Flag(CosmosHeaders.IsBatchRequest) => FaultOperation.Batch,
        (["dbs", _, "colls", _, "docs"], "POST") when request.Flag(CosmosHeaders.IsQueryPlanRequest) => FaultOperation.Metadata,
        (["dbs", _, "colls", _, "docs"], "POST") when request.IsQuery => FaultOperation.Query,
        (["dbs", _, "colls", _, "docs"], "POST") when request.Flag(CosmosHeaders.IsUpsert) => FaultOperation.Upsert,
        (["dbs", _, "colls", _, "docs"], "POST") => FaultOperation.Create,
        (["dbs", _, "colls", _, "docs"], "GET") when ChangeFeedEndpoint.IsChangeFeedRequest(request) => FaultOperation.ChangeFeed,
        (["dbs", _, "colls", _, "docs"], "GET") => FaultOperation.Query,
        _ => FaultOperation.Metadata,
    };

    // The SDK names containers in item paths but uses resource ids for partition key ranges; rules name them by id.
    private static string? ContainerIdOf(GatewayRequest request, Account account)
    {
        if (request.Segments is not ["dbs", var databaseIdOrRid, "colls", var containerIdOrRid, ..])
            return null;
        var database = account.FindDatabase(databaseIdOrRid);
        return (database is null ? null : account.FindContainer(database, containerIdOrRid)?.Id) ?? containerIdOrRid;
    }

    private static string? FeedRangeOf(GatewayRequest request) =>
        RangeRouting.AddressedRangeId(request) is { } range
            ? $"{range}:{request.Header(RangeRouting.StartEffectiveKey)}-{request.Header(RangeRouting.EndEffectiveKey)}"
            : null;

    private static string? PartitionKeyOf(GatewayRequest request)
    {
        try
        {
            return request.PartitionKeyJson;
        }
        catch (GatewayException)
        {
            return null;
        }
    }

    // A create carries its id only in the body; the body is buffered so the operation can still read it. A body that
    // cannot be read or parsed names no item; the operation itself then refuses it as it would without faults.
    private static async Task<string?> BodyIdAsync(GatewayRequest request)
    {
        var http = request.Context.Request;
        http.EnableBuffering();
        try
        {
            using var reader = new StreamReader(http.Body, leaveOpen: true);
            var text = await reader.ReadToEndAsync(request.Aborted);
            http.Body.Position = 0;
            return (Json.Parse(text) as JObject)?.Value<string>("id");
        }
        catch (Exception unreadable) when (unreadable is Newtonsoft.Json.JsonException or IOException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return null;
        }
    }
}
