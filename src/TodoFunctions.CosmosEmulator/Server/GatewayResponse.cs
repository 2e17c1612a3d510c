using System.Net;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>What the gateway answers: status, protocol headers, the modelled RU and a JSON or binary body.</summary>
internal sealed class GatewayResponse(HttpStatusCode statusCode, double requestCharge)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public double RequestCharge { get; } = requestCharge;

    public JToken? Json { get; init; }

    public byte[]? Binary { get; init; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public GatewayResponse With(string header, string? value)
    {
        if (value is not null)
            Headers[header] = value;
        return this;
    }

    public static GatewayResponse Error(HttpStatusCode statusCode, string message, double requestCharge, int subStatusCode = 0) =>
        new GatewayResponse(statusCode, requestCharge)
        {
            Json = new JObject { ["code"] = statusCode.ToString(), ["message"] = message },
        }.With(CosmosHeaders.SubStatus, subStatusCode == 0 ? null : subStatusCode.ToString());

    /// <summary>The error answer to a refused request.</summary>
    public static GatewayResponse Refusal(GatewayException refused) =>
        Error(refused.StatusCode, refused.Message, Cost.RequestCharges.Refused, refused.SubStatusCode);

    /// <summary>A page of a feed (<c>Documents</c>, <c>Databases</c>…) in the envelope the SDK reads. The items are
    /// copied: stored documents are shared between requests and must never be attached to a response's JSON tree.</summary>
    public static GatewayResponse Feed(string rid, string collectionName, IReadOnlyCollection<JToken> items, double requestCharge) =>
        new GatewayResponse(HttpStatusCode.OK, requestCharge)
        {
            Json = new JObject { ["_rid"] = rid, [collectionName] = new JArray(items.Select(item => item.DeepClone())), ["_count"] = items.Count },
        }.With(CosmosHeaders.ItemCount, items.Count.ToString());
}
