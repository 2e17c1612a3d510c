using System.Net;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Partitions;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// The emulator's partition controls: split a live partition key range in two, in process or over
/// <c>POST /_emulator/dbs/{db}/colls/{coll}/pkranges/{id}/split</c> (see <see cref="ControlEndpoints"/>).
/// </summary>
internal sealed class PartitionControlEndpoint(Account account)
{
    /// <summary>Splits the range; throws <see cref="KeyNotFoundException"/> when the database, container or live range does not exist.</summary>
    public IReadOnlyList<PartitionKeyRange> Split(string databaseId, string containerId, string rangeId)
    {
        var database = account.FindDatabase(databaseId) ?? throw new KeyNotFoundException($"Database '{databaseId}' does not exist.");
        var container = account.FindContainer(database, containerId)
            ?? throw new KeyNotFoundException($"Container '{containerId}' does not exist in database '{databaseId}'.");
        return container.SplitRange(rangeId);
    }

    public GatewayResponse Split(GatewayRequest request, string databaseId, string containerId, string rangeId)
    {
        if (request.Method != "POST")
            throw GatewayRequest.MethodNotAllowed(request.Method, "a split");
        try
        {
            var children = Split(databaseId, containerId, rangeId);
            return new GatewayResponse(HttpStatusCode.OK, RequestCharges.Metadata)
            {
                Json = new JObject
                {
                    ["parent"] = rangeId,
                    ["children"] = new JArray(children.Select(child => new JObject
                    {
                        ["id"] = child.Id,
                        ["minInclusive"] = child.MinInclusive,
                        ["maxExclusive"] = child.MaxExclusive,
                    })),
                },
            };
        }
        catch (KeyNotFoundException missing)
        {
            throw GatewayException.NotFound(missing.Message);
        }
    }
}
