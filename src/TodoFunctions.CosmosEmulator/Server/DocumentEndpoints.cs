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
        var response = request.Method switch
        {
            "POST" when request.Flag(CosmosHeaders.IsBatchRequest) => await batches.ExecuteAsync(request, container),
            "POST" when request.IsQuery => await queries.DocumentsAsync(request, container),
            "POST" => await CreateAsync(request, container),
            "GET" when ChangeFeedEndpoint.IsChangeFeedRequest(request) => changeFeed.Read(request, container),
            "GET" => queries.Page(request, container.Rid, "Documents", container.Documents(request.PartitionKeyJson, RangeRouting.KeyRangeOf(request, container))),
            _ => throw GatewayRequest.MethodNotAllowed(request.Method, "docs"),
        };
        return WithSession(response, request, container);
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
        return Execute(request, container, partitionKey, operation);
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

    /// <summary>Session token (in the SDK's <c>rangeId:-1#lsn</c> form) and the container the token belongs to.</summary>
    public static GatewayResponse WithSession(GatewayResponse response, GatewayRequest request, ContainerStore container) =>
        response
            .With(CosmosHeaders.SessionToken, RangeRouting.SessionToken(request, container))
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

    private static GatewayResponse Execute(GatewayRequest request, ContainerStore container, string partitionKeyJson, DocumentOperation operation) =>
        WithSession(Respond(container.Execute(partitionKeyJson, [operation])[0], request.WantsMinimalResponse), request, container);
}
