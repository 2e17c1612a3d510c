using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Query;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// The query plan the emulator serves and the items a query sees. A query whose results can be concatenated
/// (filter and projection only) fans out: the plan covers the whole key space, the SDK sends it to every range,
/// and each range answers for its own items. A query that needs all items at once (ORDER BY, TOP, OFFSET/LIMIT,
/// DISTINCT, aggregates) gets a plan whose query range lies inside the first range only, so the SDK sends it to
/// one range and passes the results through; the emulator evaluates it over the whole container there.
/// </summary>
internal static class QueryRangePlan
{
    private static readonly JObject WholeKeySpace = Plan("FF");

    // "" up to "00" holds no hashed key: it only makes the SDK pick the range that starts the key space.
    private static readonly JObject FirstRangeOnly = Plan("00");

    public static JObject For(CosmosSqlQuery query) => query.CanRunPerRange ? WholeKeySpace : FirstRangeOnly;

    /// <summary>The items the query runs over: the addressed range's (410 if it is gone), or all for a whole-container
    /// query; at the snapshot <paramref name="snapshotLsn"/> for a reader behind a lagging replica.</summary>
    public static IReadOnlyList<JObject> DocumentsInScope(GatewayRequest request, ContainerStore container, CosmosSqlQuery query, long? snapshotLsn)
    {
        var keyRange = RangeRouting.KeyRangeOf(request, container);
        return container.Documents(request.PartitionKeyJson, query.CanRunPerRange ? keyRange : null, snapshotLsn);
    }

    private static JObject Plan(string maxExclusive) => new()
    {
        ["partitionedQueryExecutionInfoVersion"] = 2,
        ["queryInfo"] = new JObject(),
        ["queryRanges"] = new JArray(new JObject
        {
            ["min"] = "",
            ["max"] = maxExclusive,
            ["isMinInclusive"] = true,
            ["isMaxInclusive"] = false,
        }),
    };
}
