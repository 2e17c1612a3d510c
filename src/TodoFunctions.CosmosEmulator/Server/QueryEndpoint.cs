using System.Net;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Query;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// SQL queries and feed reads over items, containers and databases: the whole query is evaluated over the
/// partition(s) in scope, then paged. The SDK passes results straight through (see <see cref="QueryRangePlan"/>).
/// </summary>
internal sealed class QueryEndpoint(ShortQueryPages? shortPages)
{
    public async Task<GatewayResponse> DocumentsAsync(GatewayRequest request, ContainerStore container, long? snapshotLsn = null)
    {
        var body = await request.ReadObjectAsync();
        var query = CosmosSqlQuery.Parse(QueryText(body));
        if (request.Flag(CosmosHeaders.IsQueryPlanRequest))
            return new GatewayResponse(HttpStatusCode.OK, RequestCharges.Metadata) { Json = QueryRangePlan.For(query) };
        var scope = QueryRangePlan.ScopeOf(request, container, query, snapshotLsn);
        return Evaluate(request, body, query, container.Rid, "Documents", scope.Documents, container.Resource["indexingPolicy"], scope.WholeContainer);
    }

    /// <summary>Runs a query; ORDER BY on several keys is checked against the indexing policy, when the resources have one.</summary>
    public GatewayResponse Evaluate(GatewayRequest request, JObject body, string rid, string collectionName, IReadOnlyList<JToken> source) =>
        Evaluate(request, body, CosmosSqlQuery.Parse(QueryText(body)), rid, collectionName, source, indexingPolicy: null, wholeContainer: false);

    private GatewayResponse Evaluate(
        GatewayRequest request, JObject body, CosmosSqlQuery query, string rid, string collectionName, IReadOnlyList<JToken> source,
        JToken? indexingPolicy, bool wholeContainer)
    {
        if (indexingPolicy is not null) OrderByIndexRule.Check(query.SortPaths, indexingPolicy);
        return Respond(request, rid, collectionName, QueryText(body), query.Rows(source.Cast<JObject>(), Parameters(body)), source.Count, wholeContainer);
    }

    /// <summary>A feed read without a query: every resource in scope, paged.</summary>
    public GatewayResponse Page(GatewayRequest request, string rid, string collectionName, IReadOnlyList<JToken> source) =>
        Respond(request, rid, collectionName, "", OrderedRows.Feed(source), source.Count, wholeContainer: false);

    private GatewayResponse Respond(
        GatewayRequest request, string rid, string collectionName, string queryText, OrderedRows rows, int inScope, bool wholeContainer)
    {
        var cursor = QueryContinuation.Read(request.Header(CosmosHeaders.Continuation));
        var limit = shortPages?.PageLimit(queryText, cursor.Page, request.MaxItemCount) ?? request.MaxItemCount;
        var (page, next) = cursor.NextPage(rows, limit);
        var scanned = cursor.Page == 0 ? inScope : 0;
        return GatewayResponse.Feed(rid, collectionName, page, RequestCharges.QueryPage(scanned, page))
            .With(CosmosHeaders.Continuation, next is null ? null : QueryContinuation.Write(next, wholeContainer));
    }

    private static string QueryText(JObject body) =>
        body.Value<string>("query") is { Length: > 0 } text ? text : throw GatewayException.BadRequest("The query request has no 'query' text.");

    private static Dictionary<string, JToken> Parameters(JObject body) =>
        (body["parameters"] as JArray ?? [])
            .OfType<JObject>()
            .ToDictionary(
                parameter => parameter.Value<string>("name") ?? throw GatewayException.BadRequest("A query parameter has no 'name'."),
                parameter => parameter["value"] ?? JValue.CreateUndefined());
}
