using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Partitions;
using TodoFunctions.CosmosEmulator.Query;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// The query plan the emulator serves and the items a query sees. A query whose results can be concatenated
/// (filter and projection only) fans out: the plan covers the whole key space, the SDK sends it to every range,
/// and each range answers for its own items. A query that needs all items at once (ORDER BY, TOP, OFFSET/LIMIT,
/// DISTINCT, aggregates) gets a plan whose query range lies inside the first range only, so the SDK sends it to
/// one range and passes the results through; the emulator evaluates it over the whole container there. Such a query
/// scoped by the caller to a feed range that starts the key space cannot be told apart from it: it also sees the
/// whole container (a documented limit; real per-range query plans would lift it).
/// </summary>
internal static class QueryRangePlan
{
    private static readonly JObject WholeKeySpace = Plan("FF");

    // "" up to "00" holds no hashed key: it only makes the SDK pick the range that starts the key space.
    private static readonly JObject FirstRangeOnly = Plan("00");

    public static JObject For(CosmosSqlQuery query) => query.CanRunPerRange ? WholeKeySpace : FirstRangeOnly;

    /// <summary>
    /// The items a query runs over: a per-range query, or any query addressed to a range that does not start the key
    /// space, sees the addressed range's items (410 if it is gone); a whole-container query sees every item when
    /// addressed to the range that starts the key space. After a split the SDK hands a whole-container query's
    /// continuation to every child: only the child that starts the key space continues it, the others answer an empty
    /// last page.
    /// </summary>
    public static QueryScope ScopeOf(GatewayRequest request, ContainerStore container, CosmosSqlQuery query)
    {
        var keyRange = RangeRouting.KeyRangeOf(request, container);
        var startsKeySpace = keyRange is null || keyRange.MinInclusive.Length == 0;
        if (query.CanRunPerRange || (!startsKeySpace && !QueryContinuation.IsWholeContainer(request.Header(CosmosHeaders.Continuation))))
            return new QueryScope(request.PartitionKeyJson, keyRange, WholeContainer: false, Empty: false);
        return new QueryScope(request.PartitionKeyJson, null, WholeContainer: true, Empty: !startsKeySpace);
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

/// <summary>The items in a query's scope: one partition key value or all, within a part of the key space or all of it.</summary>
internal sealed record QueryScope(string? PartitionKeyJson, EffectiveKeyRange? KeyRange, bool WholeContainer, bool Empty)
{
    /// <summary>The items in scope, at the snapshot <paramref name="snapshotLsn"/> for a reader behind a lagging replica.</summary>
    public IReadOnlyList<StoredDocument> Documents(ContainerStore container, long? snapshotLsn) =>
        Empty ? [] : container.Documents(PartitionKeyJson, KeyRange, snapshotLsn);
}
