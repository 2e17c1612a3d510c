namespace TodoFunctions.CosmosEmulator.Faults;

/// <summary>The kinds of request a fault rule can match, as the gateway tells them apart.</summary>
public enum FaultOperation
{
    Read,
    Create,
    Replace,
    Upsert,
    Delete,
    Patch,
    Batch,
    /// <summary>A query or a read of a container's document feed (not the query plan: that is metadata).</summary>
    Query,
    ChangeFeed,
    /// <summary>Account, database, container and partition key range requests, and query plans.</summary>
    Metadata,
}
