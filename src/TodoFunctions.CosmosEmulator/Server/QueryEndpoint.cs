using System.Net;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Query;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// SQL queries and feed reads over items, containers and databases. An ORDER BY query at the latest state is served
/// by walking an ordered index from the cursor, within the range the filter puts on the leading sort key (see
/// <see cref="SortKeyBounds"/>): the container's, or, for a query scoped to one partition key value, one over that
/// partition's items; any other query is evaluated in full over the items in scope, then paged. The SDK passes results straight through (see
/// <see cref="QueryRangePlan"/>).
/// </summary>
internal sealed class QueryEndpoint(ShortQueryPages? shortPages)
{
    public async Task<GatewayResponse> DocumentsAsync(GatewayRequest request, ContainerStore container, long? snapshotLsn = null)
    {
        var body = await request.ReadObjectAsync();
        var query = CosmosSqlQuery.Parse(QueryText(body));
        if (request.Flag(CosmosHeaders.IsQueryPlanRequest))
            return new GatewayResponse(HttpStatusCode.OK, RequestCharges.Metadata) { Json = QueryRangePlan.For(query) };
        OrderByIndexRule.Check(query.SortPaths, container.Resource["indexingPolicy"]);
        var scope = QueryRangePlan.ScopeOf(request, container, query);
        var parameters = Parameters(body);
        if (query.IsOrderedByDocumentPaths && snapshotLsn is null && !scope.Empty)
        {
            return Respond(request, container.Rid, "Documents", QueryText(body), scope.WholeContainer, cursor =>
            {
                var bounds = query.LeadingKeyBounds(parameters);
                var walk = scope.PartitionKeyJson is { } partition
                    ? container.WalkPartitionInSortOrder(query, partition, cursor.After, bounds, scope.KeyRange)
                    : container.WalkInSortOrder(query, cursor.After, bounds, scope.KeyRange);
                return new QueryScan(query.RowsInSortOrder(walk.Documents, parameters), () => walk.Loaded);
            });
        }
        var documents = scope.Documents(container, snapshotLsn);
        var bodies = documents.Select(document => document.ParseBody());
        return Respond(request, container.Rid, "Documents", QueryText(body), scope.WholeContainer, FullScan(query.Rows(bodies, parameters), documents.Count));
    }

    /// <summary>Runs a query over databases or containers.</summary>
    public GatewayResponse Evaluate(GatewayRequest request, JObject body, string rid, string collectionName, IReadOnlyList<JToken> source) =>
        Respond(request, rid, collectionName, QueryText(body), wholeContainer: false,
            FullScan(CosmosSqlQuery.Parse(QueryText(body)).Rows(source.Cast<JObject>(), Parameters(body)), source.Count));

    /// <summary>A feed read without a query: every resource in scope, paged.</summary>
    public GatewayResponse Page(GatewayRequest request, string rid, string collectionName, IReadOnlyList<JToken> source) =>
        Respond(request, rid, collectionName, "", wholeContainer: false, FullScan(OrderedRows.Feed(source), source.Count));

    /// <summary>A full evaluation loads every item in scope for its first page; later pages come from its results.</summary>
    private static Func<QueryCursor, QueryScan> FullScan(OrderedRows rows, int inScope) =>
        cursor => new QueryScan(rows, () => cursor.Page == 0 ? inScope : 0);

    private GatewayResponse Respond(
        GatewayRequest request, string rid, string collectionName, string queryText, bool wholeContainer, Func<QueryCursor, QueryScan> scanFrom)
    {
        var cursor = QueryContinuation.Read(request.Header(CosmosHeaders.Continuation));
        var limit = shortPages?.PageLimit(queryText, cursor.Page, request.MaxItemCount) ?? request.MaxItemCount;
        var scan = scanFrom(cursor);
        var (page, next) = cursor.NextPage(scan.Rows, limit);
        return GatewayResponse.Feed(rid, collectionName, page, RequestCharges.QueryPage(scan.LoadedDocuments(), page))
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

/// <summary>A query's rows from the cursor on, and how many items producing them loaded (known once the page is read).</summary>
internal sealed record QueryScan(OrderedRows Rows, Func<int> LoadedDocuments);
