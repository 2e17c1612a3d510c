using System.Net;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>The item operations the store applies, alone or as a transactional batch.</summary>
internal enum DocumentOperationKind { Create, Read, Replace, Upsert, Delete, Patch }

/// <summary>One item operation, whether it came as its own HTTP request or inside a batch.</summary>
/// <param name="Id">The item id for Read, Replace, Delete and Patch; Create and Upsert take it from <paramref name="Resource"/>.</param>
/// <param name="PatchCondition">A patch's filter predicate (<c>FROM c WHERE …</c>); the patch fails with 412 when the item does not match.</param>
internal sealed record DocumentOperation(
    DocumentOperationKind Kind,
    string? Id,
    JObject? Resource = null,
    JArray? PatchOperations = null,
    string? PatchCondition = null,
    string? IfMatch = null,
    string? IfNoneMatch = null);

/// <summary>What one operation did: the status the gateway answers, the item it read or wrote, and its modelled RU.</summary>
internal sealed record DocumentOutcome(HttpStatusCode StatusCode, JObject? Document, double RequestCharge, string? Error = null, int SubStatusCode = 0)
{
    public bool Failed => (int)StatusCode >= 400;
}
