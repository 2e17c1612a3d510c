using System.Net;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>Item requests: create, upsert, read, replace, delete and patch, and the routing of a container's
/// document feed to queries, the change feed and transactional batches.</summary>
internal sealed class DocumentEndpoints(QueryEndpoint queries, ChangeFeedEndpoint changeFeed, BatchEndpoint batches)
{
    public async Task<GatewayResponse> FeedAsync(GatewayRequest request, ContainerStore container)
    {
        var snapshot = request.Method == "GET" || request.IsQuery ? ReadSnapshot(request, container) : null;
        var response = request.Method switch
        {
            "POST" when request.Flag(CosmosHeaders.IsBatchRequest) => await batches.ExecuteAsync(request, container),
            "POST" when request.IsQuery => await queries.DocumentsAsync(request, container, snapshot),
            "POST" => await CreateAsync(request, container),
            "GET" when ChangeFeedEndpoint.IsChangeFeedRequest(request) => changeFeed.Read(request, container, snapshot),
            "GET" => queries.Page(request, container.Rid, "Documents",
                [.. container.Documents(request.PartitionKeyJson, RangeRouting.KeyRangeOf(request, container), snapshot).Select(document => document.ParseBody())]),
            _ => throw GatewayRequest.MethodNotAllowed(request.Method, "docs"),
        };
        return WithSession(response, request, container, snapshot);
    }

    public async Task<GatewayResponse> ItemAsync(GatewayRequest request, ContainerStore container, string id)
    {
        var operation = request.Method switch
        {
            "GET" => new DocumentOperation(DocumentOperationKind.Read, id, IfNoneMatch: request.IfNoneMatch),
            "PUT" => new DocumentOperation(DocumentOperationKind.Replace, id, await request.ReadObjectAsync(), IfMatch: request.IfMatch),
            "DELETE" => new DocumentOperation(DocumentOperationKind.Delete, id, IfMatch: request.IfMatch),
            "PATCH" => await PatchAsync(request, id),
            _ => throw GatewayRequest.MethodNotAllowed(request.Method, "an item"),
        };
        var partitionKey = request.PartitionKeyJson
            ?? throw GatewayException.BadRequest("PartitionKey value must be supplied for this operation.");
        return Execute(request, container, partitionKey, operation, request.Method == "GET" ? ReadSnapshot(request, container) : null);
    }

    /// <summary>The response for one item operation, in or out of a batch: failures as error bodies.</summary>
    public static GatewayResponse Respond(DocumentOutcome outcome, bool minimal)
    {
        if (outcome.Failed)
            return GatewayResponse.Error(outcome.StatusCode, outcome.Error!, outcome.RequestCharge, outcome.SubStatusCode);
        var withBody = !minimal && outcome.StatusCode is not (HttpStatusCode.NotModified or HttpStatusCode.NoContent);
        return new GatewayResponse(outcome.StatusCode, outcome.RequestCharge) { Json = withBody ? outcome.Document : null }
            .With("etag", outcome.Document?.Value<string>(SystemProperties.ETag));
    }

    /// <summary>Session token (in the SDK's <c>rangeId:-1#lsn</c> form) and the container the token belongs to. A
    /// read served from a lagging snapshot reports that snapshot's LSN, so the client's token never runs ahead of
    /// what it has seen.</summary>
    public static GatewayResponse WithSession(GatewayResponse response, GatewayRequest request, ContainerStore container, long? snapshotLsn = null) =>
        response
            .With(CosmosHeaders.SessionToken, RangeRouting.SessionToken(request, container, snapshotLsn))
            .With(CosmosHeaders.OwnerFullName, $"dbs/{container.DatabaseId}/colls/{container.Id}")
            .With(CosmosHeaders.OwnerId, container.Rid);

    private async Task<GatewayResponse> CreateAsync(GatewayRequest request, ContainerStore container)
    {
        var resource = await request.ReadObjectAsync();
        var kind = request.Flag(CosmosHeaders.IsUpsert) ? DocumentOperationKind.Upsert : DocumentOperationKind.Create;
        var operation = new DocumentOperation(kind, null, resource, IfMatch: request.IfMatch);
        return Execute(request, container, request.PartitionKeyJson ?? container.PartitionKey.ValueOf(resource), operation);
    }

    private static async Task<DocumentOperation> PatchAsync(GatewayRequest request, string id)
    {
        var body = await request.ReadObjectAsync();
        var operations = body["operations"] as JArray ?? throw GatewayException.BadRequest("A patch request needs an 'operations' array.");
        return new DocumentOperation(DocumentOperationKind.Patch, id, PatchOperations: operations,
            PatchCondition: body.Value<string>("condition"), IfMatch: request.IfMatch);
    }

    private static GatewayResponse Execute(
        GatewayRequest request, ContainerStore container, string partitionKeyJson, DocumentOperation operation, long? snapshotLsn = null) =>
        WithSession(Respond(container.Execute(partitionKeyJson, [operation], snapshotLsn)[0], request.WantsMinimalResponse), request, container, snapshotLsn);

    // Null (the latest state) unless replica lag is on and the client's session token is behind the container.
    private static long? ReadSnapshot(GatewayRequest request, ContainerStore container) =>
        container.SnapshotLsn(SessionTokens.Progress(request.Header(CosmosHeaders.SessionToken)));
}
