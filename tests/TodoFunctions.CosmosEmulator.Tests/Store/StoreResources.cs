using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Tests.Store;

/// <summary>Resource bodies as the account stamps them, for tests that drive the store without the gateway.</summary>
internal static class StoreResources
{
    public const string DatabaseId = "db";

    public static readonly string DatabaseRid = ResourceIds.Database(1);

    public static JObject Database() => new() { ["id"] = DatabaseId, ["_rid"] = DatabaseRid, ["_self"] = $"dbs/{DatabaseRid}/" };

    public static JObject Container(string id, uint number, int? defaultTtl = null)
    {
        var rid = ResourceIds.Container(DatabaseRid, number);
        var container = new JObject
        {
            ["id"] = id,
            ["_rid"] = rid,
            ["_self"] = $"dbs/{DatabaseRid}/colls/{rid}/",
            ["partitionKey"] = new JObject { ["paths"] = new JArray("/pk"), ["kind"] = "Hash" },
        };
        if (defaultTtl is { } ttl)
            container["defaultTtl"] = ttl;
        return container;
    }

    public static string PartitionKeyJson(string pk) => new JArray(pk).ToString(Newtonsoft.Json.Formatting.None);
}
