namespace TodoFunctions.Cosmos;

/// <summary>Settings of the Cosmos DB store (configuration section <c>TodoStore</c>); defaults follow <see cref="TodoStoreLayout"/>.</summary>
public sealed class TodoStoreOptions
{
    public const string SectionName = "TodoStore";

    public string DatabaseName { get; set; } = TodoStoreLayout.DatabaseName;
    public string EventsContainer { get; set; } = TodoStoreLayout.EventsContainer;
    public string ReadModelContainer { get; set; } = TodoStoreLayout.ReadModelContainer;
    public string AlternateReadModelContainer { get; set; } = TodoStoreLayout.AlternateReadModelContainer;
    public string LeasesContainer { get; set; } = TodoStoreLayout.LeasesContainer;

    /// <summary>How long a write waits for the read model to show it before answering without that guarantee.</summary>
    public TimeSpan ReadYourWritesTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Create the database and containers at start-up: for local runs; in Azure the Bicep template creates them.</summary>
    public bool CreateContainersIfMissing { get; set; }

    /// <summary>Names the change feed processor's leases; every instance of the app must use the same name.</summary>
    public string ProcessorName { get; set; } = "todo-projector";

    /// <summary>Names the statistics projection's change feed processor and prefixes its leases, apart from the todo view's.</summary>
    public string StatisticsProcessorName { get; set; } = "todo-statistics";

    /// <summary>
    /// Names this instance among the processors sharing the leases (<see cref="ProcessorInstanceName"/>): unique per
    /// instance, and stable across restarts on purpose, so a restarted process takes its leases back at once instead
    /// of waiting for them to expire. Two processes on one machine that share a leases container need distinct names.
    /// </summary>
    public string InstanceName { get; set; } = ProcessorInstanceName.ForThisProcess();

    /// <summary>How often the change feed processor asks for new events once it has caught up.</summary>
    public TimeSpan ChangeFeedPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How often each instance's change feed processor looks for leases to take. A lease whose feed read or checkpoint
    /// failed (the processor's own requests, outside the projector's retry in place) is released and taken back only
    /// at this interval, so it bounds how long one transient fault there stalls the projection. The SDK's default is
    /// 13 s; each look costs one query of the leases container.
    /// </summary>
    public TimeSpan LeaseAcquireInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a lease whose owner stopped renewing it stays that owner's. It bounds the stall when an instance dies,
    /// and when a lease's release itself failed (the processor then still names itself the owner, so nobody takes the
    /// lease until it expires). The SDK's default is 60 s. Renewal runs beside the handler, so a slow batch keeps its
    /// lease; a lease taken over early is only delivered twice, which the idempotent projector absorbs.
    /// </summary>
    public TimeSpan LeaseExpirationInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an instance renews the leases it holds; well inside <see cref="LeaseExpirationInterval"/>, so a renewal may fail twice.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How many todos of one change-feed batch the projector writes at once (per processor, per lease). More overlaps
    /// more round trips; past the point where the client's cores or the account's throughput are the limit, it only
    /// adds 429s and contention.
    /// </summary>
    public int ProjectorParallelism { get; set; } = 8;

    /// <summary>The most documents one change-feed page delivers to the projector (the processor's <c>WithMaxItems</c>).</summary>
    public int ChangeFeedMaxItems { get; set; } = 100;

    /// <summary>
    /// Whether the projector may write a todo's document without reading it first when a delivery holds the stream from
    /// its first event: the create's "must not exist" is the condition, and a conflict falls back to read, fold and
    /// replace. It saves the read on a backlog; where another writer usually creates the document first (a command's
    /// write-through), the failed create costs a request more than reading first, so it is done only while most such
    /// deliveries lately found no document (<see cref="CreateFirstPolicy"/>). <c>false</c> always reads first.
    /// </summary>
    public bool ProjectorCreatesWithoutRead { get; set; } = true;

    /// <summary>How many times a command that lost an append race re-reads and re-decides before giving up.</summary>
    public int MaxConcurrencyRetries { get; set; } = 10;

    /// <summary>How many times the projector tries to decode and apply an event before it parks the event's todo.</summary>
    public int MaxApplyAttempts { get; set; } = 3;

    /// <summary>
    /// How long the projector retries one todo's transient failures (429, 503, timeouts, …) in place before it gives
    /// up on the batch, which the change feed then delivers again.
    /// </summary>
    public TimeSpan ProjectionProgressTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often an instance looks for todos an older release parked at an event this release reads, and resumes them
    /// (it also looks once when it starts).
    /// </summary>
    public TimeSpan NewerSchemaParkResumeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an instance keeps acting on the read-model pointer it last read: reads cost one request less, and a
    /// rebuild waits twice this long after telling instances to write the new container, before switching to it.
    /// </summary>
    public TimeSpan ReadModelPointerCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a claimed rebuild may go without saving its progress before it counts as stalled, so that the next
    /// rebuild request resumes it. Longer than a save interval (about a second), the wait of twice
    /// <see cref="ReadModelPointerCacheDuration"/> before a run's first save, and the queue's visibility timeout; a
    /// worker wrongly judged stalled loses nothing, it stops at its next save and the resumed run carries on.
    /// </summary>
    public TimeSpan RebuildStallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an Idempotency-Key's record lives (its Cosmos <c>ttl</c>); a repeat after that runs as a new request.</summary>
    public TimeSpan IdempotencyKeyExpiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a key's in-flight marker holds off repeats (409) before a repeat may take it over, presuming its request
    /// crashed. Longer than any request runs, read-model wait and concurrency retries included.
    /// </summary>
    public TimeSpan IdempotencyTakeoverTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a command that waits for the read model writes its todo's read document itself (see
    /// <see cref="ReadModelWriteThrough"/>) instead of waiting for the change feed; off, it waits for the projector.
    /// </summary>
    public bool WriteThroughReadModel { get; set; } = true;
}
