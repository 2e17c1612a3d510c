using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Batch;

/// <summary>The item operations a transactional batch may carry.</summary>
public enum BatchOperationKind { Create, Read, Replace, Upsert, Delete, Patch }

/// <summary>One operation of a transactional batch, decoded from the SDK's HybridRow request body.</summary>
/// <param name="Id">The item id for Read, Replace, Delete and Patch; Create and Upsert take it from <paramref name="Resource"/>.</param>
/// <param name="Resource">The item body for Create, Replace and Upsert.</param>
/// <param name="PatchOperations">The patch operations (<c>{"op","path","value"}</c>, as in a PATCH request) for Patch.</param>
/// <param name="PatchCondition">A Patch's filter predicate (<c>FROM c WHERE …</c>), when the client set one.</param>
/// <param name="PartitionKeyJson">The operation's own partition key as a JSON array (<c>["p1"]</c>), as bulk mode sends
/// it; a transactional batch names its one partition key in the request header instead.</param>
public sealed record BatchOperation(
    BatchOperationKind Kind, string? Id, JObject? Resource, JArray? PatchOperations, string? IfMatch, string? IfNoneMatch,
    string? PatchCondition = null, string? PartitionKeyJson = null);

/// <summary>The outcome of one batch operation, encoded into the HybridRow response the SDK reads back.</summary>
public sealed record BatchOperationResult(
    int StatusCode, int SubStatusCode = 0, string? ETag = null, JObject? Resource = null, double RequestCharge = 0, TimeSpan? RetryAfter = null);
