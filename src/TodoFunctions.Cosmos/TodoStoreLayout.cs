namespace TodoFunctions.Cosmos;

/// <summary>
/// The Cosmos DB layout the app expects: the single source of truth that configuration defaults, local
/// container creation and the infrastructure tests (which compare it with the compiled Bicep) all read.
/// </summary>
public static class TodoStoreLayout
{
    /// <summary>App setting that holds a connection string, or the prefix of <c>CosmosDb__accountEndpoint</c>.</summary>
    public const string ConnectionSettingName = "CosmosDb";

    public const string DatabaseName = "todos";

    /// <summary>The append-only log; one logical partition per todo keeps each stream's appends atomic.</summary>
    public const string EventsContainer = "events";
    public const string EventsPartitionKeyPath = "/todoId";

    /// <summary>
    /// The events container's default time to live: -1 turns per-item <c>ttl</c> on while no item expires by default,
    /// so events live forever and Idempotency-Key records expire by their own <c>ttl</c>.
    /// </summary>
    public const int EventsDefaultTimeToLive = -1;

    /// <summary>The projection that GET endpoints read; written only by the projector.</summary>
    public const string ReadModelContainer = "todo-view";
    public const string ReadModelPartitionKeyPath = "/id";

    /// <summary>
    /// The second read container (same partition key): a rebuild fills whichever of the two is not live, then switches.
    /// Both exist from the start because identity-based access cannot create containers at run time.
    /// </summary>
    public const string AlternateReadModelContainer = "todo-view-b";

    /// <summary>
    /// Change feed processor checkpoints, and the read-model pointer (which read container is live); the processor
    /// requires <c>/id</c> as partition key.
    /// </summary>
    public const string LeasesContainer = "leases";
    public const string LeasesPartitionKeyPath = "/id";
}
