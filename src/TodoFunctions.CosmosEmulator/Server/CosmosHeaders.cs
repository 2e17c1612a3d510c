namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>The HTTP headers of the gateway protocol that the emulator reads or writes.</summary>
internal static class CosmosHeaders
{
    public const string Authorization = "authorization";
    public const string Date = "x-ms-date";
    public const string ActivityId = "x-ms-activity-id";
    public const string RequestCharge = "x-ms-request-charge";
    public const string SessionToken = "x-ms-session-token";
    public const string SubStatus = "x-ms-substatus";
    public const string PartitionKey = "x-ms-documentdb-partitionkey";
    public const string IsUpsert = "x-ms-documentdb-is-upsert";
    public const string IsQuery = "x-ms-documentdb-isquery";
    public const string IsQueryPlanRequest = "x-ms-cosmos-is-query-plan-request";
    public const string IsBatchRequest = "x-ms-cosmos-is-batch-request";
    public const string IsBatchAtomic = "x-ms-cosmos-batch-atomic";
    public const string BatchContinueOnError = "x-ms-cosmos-batch-continue-on-error";
    public const string MaxItemCount = "x-ms-max-item-count";
    public const string Continuation = "x-ms-continuation";
    public const string ItemCount = "x-ms-item-count";
    public const string IncrementalFeed = "A-IM";
    public const string OwnerFullName = "x-ms-alt-content-path";
    public const string OwnerId = "x-ms-content-path";
    public const string Prefer = "Prefer";
}
