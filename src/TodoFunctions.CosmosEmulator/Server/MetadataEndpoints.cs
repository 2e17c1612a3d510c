using System.Net;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>The account, databases, containers and partition key ranges: what the SDK reads and caches before item requests.</summary>
internal sealed class MetadataEndpoints(Account account, QueryEndpoint queries)
{
    // The SDK requires this as a string holding a non-empty JSON object.
    private const string QueryEngineConfiguration =
        """{"maxSqlQueryInputLength":262144,"maxJoinsPerSqlQuery":5,"maxLogicalAndPerSqlQuery":500,"maxLogicalOrPerSqlQuery":500,"maxUdfRefPerSqlQuery":10,"maxInExpressionItemsCount":16000,"queryMaxInMemorySortDocumentCount":500,"maxQueryRequestTimeoutFraction":0.9,"sqlAllowNonFiniteNumbers":false,"sqlAllowAggregateFunctions":true,"sqlAllowSubQuery":false,"sqlAllowScalarSubQuery":false,"allowNewKeywords":true,"sqlAllowLike":false,"sqlAllowGroupByClause":false,"maxSpatialQueryCells":12,"spatialMaxGeometryPointCount":256,"sqlDisableQueryILOptimization":false,"sqlDisableFilterPlanOptimization":false}""";

    public GatewayResponse ReadAccount(GatewayRequest request)
    {
        var endpoint = $"{request.Context.Request.Scheme}://{request.Context.Request.Host}/";
        var location = new JArray(new JObject { ["name"] = "Emulator", ["databaseAccountEndpoint"] = endpoint });
        return Ok(new JObject
        {
            ["id"] = "localhost",
            ["_rid"] = "localhost",
            ["_self"] = "",
            ["media"] = "//media/",
            ["addresses"] = "//addresses/",
            ["_dbs"] = "//dbs/",
            ["writableLocations"] = location,
            ["readableLocations"] = location.DeepClone(),
            ["enableMultipleWriteLocations"] = false,
            ["userReplicationPolicy"] = new JObject { ["asyncReplication"] = false, ["minReplicaSetSize"] = 1, ["maxReplicasetSize"] = 1 },
            ["userConsistencyPolicy"] = new JObject { ["defaultConsistencyLevel"] = "Session" },
            ["systemReplicationPolicy"] = new JObject { ["minReplicaSetSize"] = 1, ["maxReplicasetSize"] = 1 },
            ["readPolicy"] = new JObject { ["primaryReadCoefficient"] = 1, ["secondaryReadCoefficient"] = 1 },
            ["queryEngineConfiguration"] = QueryEngineConfiguration,
        });
    }

    public async Task<GatewayResponse> DatabasesAsync(GatewayRequest request)
    {
        var databases = account.Databases.Select(database => (JToken)database.Resource).ToList();
        switch (request.Method)
        {
            case "GET":
                return queries.Page(request, "", "Databases", databases);
            case "POST" when request.IsQuery:
                return queries.Evaluate(request, await request.ReadObjectAsync(), "", "Databases", databases);
            case "POST":
                return Created(account.CreateDatabase(await request.ReadObjectAsync()).Resource);
            default:
                throw GatewayRequest.MethodNotAllowed(request.Method, "dbs");
        }
    }

    public GatewayResponse Database(GatewayRequest request, DatabaseStore database)
    {
        switch (request.Method)
        {
            case "GET":
                return Ok(database.Resource);
            case "DELETE":
                account.DeleteDatabase(database.Id);
                return new GatewayResponse(HttpStatusCode.NoContent, RequestCharges.Metadata);
            default:
                throw GatewayRequest.MethodNotAllowed(request.Method, "a database");
        }
    }

    public async Task<GatewayResponse> ContainersAsync(GatewayRequest request, DatabaseStore database)
    {
        var containers = account.Containers(database).Select(container => (JToken)container.Resource).ToList();
        switch (request.Method)
        {
            case "GET":
                return queries.Page(request, database.Rid, "DocumentCollections", containers);
            case "POST" when request.IsQuery:
                return queries.Evaluate(request, await request.ReadObjectAsync(), database.Rid, "DocumentCollections", containers);
            case "POST":
                return Created(account.CreateContainer(database, await request.ReadObjectAsync()).Resource);
            default:
                throw GatewayRequest.MethodNotAllowed(request.Method, "colls");
        }
    }

    public async Task<GatewayResponse> ContainerAsync(GatewayRequest request, DatabaseStore database, ContainerStore container)
    {
        switch (request.Method)
        {
            case "GET":
                return Ok(container.Resource);
            case "PUT":
                return Ok(account.ReplaceContainer(database, container, await request.ReadObjectAsync()).Resource);
            case "DELETE":
                account.DeleteContainer(database, container.Id);
                return new GatewayResponse(HttpStatusCode.NoContent, RequestCharges.Metadata);
            default:
                throw GatewayRequest.MethodNotAllowed(request.Method, "a container");
        }
    }

    /// <summary>The container's live ranges, each naming the ranges it was split from, so the SDK's routing map
    /// replaces a parent by its children. The ETag changes with every split; an unchanged set answers 304.</summary>
    public GatewayResponse PartitionKeyRanges(GatewayRequest request, ContainerStore container)
    {
        var ranges = container.Partitions.Ranges;
        var etag = $"\"{container.Rid}-{ranges.Version}\"";
        if (request.IfNoneMatch == etag)
            return new GatewayResponse(HttpStatusCode.NotModified, RequestCharges.Metadata).With("etag", etag);
        var resources = ranges.Ranges.Select(range =>
        {
            var rangeRid = ResourceIds.Document(container.Rid, ulong.Parse(range.Id));
            return (JToken)new JObject
            {
                ["_rid"] = rangeRid,
                ["id"] = range.Id,
                ["_etag"] = etag,
                ["minInclusive"] = range.MinInclusive,
                ["maxExclusive"] = range.MaxExclusive,
                ["ridPrefix"] = int.Parse(range.Id),
                ["_self"] = $"{container.Resource.Value<string>(SystemProperties.Self)}pkranges/{rangeRid}/",
                ["throughputFraction"] = 1.0 / ranges.Ranges.Count,
                ["status"] = "online",
                ["parents"] = new JArray(range.Parents),
                ["_ts"] = container.Resource[SystemProperties.Timestamp],
            };
        }).ToList();
        return GatewayResponse.Feed(container.Rid, "PartitionKeyRanges", resources, RequestCharges.Metadata).With("etag", etag);
    }

    private static GatewayResponse Ok(JObject resource) =>
        new GatewayResponse(HttpStatusCode.OK, RequestCharges.Metadata) { Json = resource }.With("etag", resource.Value<string>(SystemProperties.ETag));

    private static GatewayResponse Created(JObject resource) =>
        new GatewayResponse(HttpStatusCode.Created, RequestCharges.Metadata) { Json = resource }.With("etag", resource.Value<string>(SystemProperties.ETag));
}
