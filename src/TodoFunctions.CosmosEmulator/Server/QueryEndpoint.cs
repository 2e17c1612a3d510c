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
        if (!request.Flag(CosmosHeaders.IsQueryPlanRequest))
            return Evaluate(request, body, container.Rid, "Documents", QueryRangePlan.DocumentsInScope(request, container, query, snapshotLsn),
                container.Resource["indexingPolicy"]);
        return new GatewayResponse(HttpStatusCode.OK, RequestCharges.Metadata) { Json = QueryRangePlan.For(query) };
    }

    /// <summary>Runs a query; ORDER BY on several keys is checked against the indexing policy, when the resources have one.</summary>
    public GatewayResponse Evaluate(GatewayRequest request, JObject body, string rid, string collectionName, IReadOnlyList<JToken> source, JToken? indexingPolicy = null)
    {
        var queryText = QueryText(body);
        var query = CosmosSqlQuery.Parse(queryText);
        if (indexingPolicy is not null) OrderByIndexRule.Check(query.SortPaths, indexingPolicy);
        return Respond(request, rid, collectionName, queryText, query.Rows(source.Cast<JObject>(), Parameters(body)), source.Count);
    }

    /// <summary>A feed read without a query: every resource in scope, paged.</summary>
    public GatewayResponse Page(GatewayRequest request, string rid, string collectionName, IReadOnlyList<JToken> source) =>
        Respond(request, rid, collectionName, "", OrderedRows.Feed(source), source.Count);

    private GatewayResponse Respond(GatewayRequest request, string rid, string collectionName, string queryText, OrderedRows rows, int inScope)
    {
        var cursor = QueryContinuation.Read(request.Header(CosmosHeaders.Continuation));
        var limit = shortPages?.PageLimit(queryText, cursor.Page, request.MaxItemCount) ?? request.MaxItemCount;
        var (page, next) = cursor.NextPage(rows, limit);
        var scanned = cursor.Page == 0 ? inScope : 0;
        return GatewayResponse.Feed(rid, collectionName, page, RequestCharges.QueryPage(scanned, page))
            .With(CosmosHeaders.Continuation, next is null ? null : QueryContinuation.Write(next));
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
