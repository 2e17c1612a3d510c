using Microsoft.Extensions.Logging;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Cosmos.Purge;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// The store wired exactly as the app wires it (<see cref="TodoCosmosServiceCollectionExtensions"/>), on a database
/// of its own, optionally with the change feed projector running in the same host.
/// </summary>
internal sealed class TodoStoreHarness : IAsyncDisposable
{
    private readonly IHost host;
    private readonly bool ownsDatabase;

    private TodoStoreHarness(IHost host, RequestLog requests, BatchFaults faults, ReadModelFaults readModelFaults, RecordingPoisonSink poison, string databaseName, bool ownsDatabase)
    {
        this.host = host;
        this.ownsDatabase = ownsDatabase;
        Requests = requests;
        Faults = faults;
        ReadModelFaults = readModelFaults;
        Poison = poison;
        DatabaseName = databaseName;
    }

    public RequestLog Requests { get; }
    public BatchFaults Faults { get; }
    public ReadModelFaults ReadModelFaults { get; }
    public RecordingPoisonSink Poison { get; }
    public string DatabaseName { get; }
    public EventStore Store => host.Services.GetRequiredService<EventStore>();
    public TodoCommandService Commands => host.Services.GetRequiredService<TodoCommandService>();
    public IdempotentCommands Idempotent => host.Services.GetRequiredService<IdempotentCommands>();
    public IdempotencyRecords IdempotencyRecords => host.Services.GetRequiredService<IdempotencyRecords>();
    public TodoReadModel ReadModel => host.Services.GetRequiredService<TodoReadModel>();
    public TodoHistory History => host.Services.GetRequiredService<TodoHistory>();
    public TodoProjector Projector => host.Services.GetRequiredService<TodoProjector>();
    public TodoPurge Purge => host.Services.GetRequiredService<TodoPurge>();
    public TodoStatisticsProjector StatisticsProjector => host.Services.GetRequiredService<TodoStatisticsProjector>();
    public TodoStatistics Statistics => host.Services.GetRequiredService<TodoStatistics>();
    public ReadModelCatchUp CatchUp => host.Services.GetRequiredService<ReadModelCatchUp>();
    public ReadModelWriteThrough WriteThrough => host.Services.GetRequiredService<ReadModelWriteThrough>();
    public ReadModelPointers Pointers => host.Services.GetRequiredService<ReadModelPointers>();
    public ProjectionAdministration Admin => host.Services.GetRequiredService<ProjectionAdministration>();
    public TodoEventCodec Codec => host.Services.GetRequiredService<TodoEventCodec>();
    public T Service<T>() where T : notnull => host.Services.GetRequiredService<T>();
    public Container Events => Container(TodoStoreLayout.EventsContainer);
    public Container ReadContainer => Container(TodoStoreLayout.ReadModelContainer);
    public Container AlternateReadContainer => Container(TodoStoreLayout.AlternateReadModelContainer);

    /// <summary>
    /// Starts the store. The read-model pointer is cached for a minute unless told otherwise, so that measured flows
    /// do not pay for refreshing it; rebuild tests make the window short. The projector gives up on a todo that makes
    /// no progress after a few seconds, not the default half minute, so tests of a lasting outage end soon. A
    /// <paramref name="schema"/> other than today's runs the store as a later (or earlier) release would; a
    /// <paramref name="clock"/> stamps the events with its time; <paramref name="logs"/> receives what the host logs.
    /// </summary>
    public static async Task<TodoStoreHarness> StartAsync(
        CosmosEndpoint endpoint, bool withProjector, string? databaseName = null, TimeSpan? readYourWritesTimeout = null, TimeSpan? pointerCacheDuration = null,
        TimeSpan? projectionProgressTimeout = null, IReadOnlyDictionary<string, string?>? settings = null, EventSchema? schema = null,
        TimeProvider? clock = null, ILoggerProvider? logs = null)
    {
        var ownsDatabase = databaseName is null;
        databaseName ??= endpoint.UniqueName("todos");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:CosmosDb"] = endpoint.ConnectionString,
            ["TodoStore:DatabaseName"] = databaseName,
            ["TodoStore:CreateContainersIfMissing"] = "true",
            ["TodoStore:ReadYourWritesTimeout"] = (readYourWritesTimeout ?? TimeSpan.FromSeconds(10)).ToString(),
            ["TodoStore:ChangeFeedPollInterval"] = "00:00:00.050",
            ["TodoStore:ReadModelPointerCacheDuration"] = (pointerCacheDuration ?? TimeSpan.FromMinutes(1)).ToString(),
            ["TodoStore:ProjectionProgressTimeout"] = (projectionProgressTimeout ?? TimeSpan.FromSeconds(3)).ToString(),
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        if (logs is not null) builder.Services.AddSingleton(logs);
        if (schema is not null) builder.Services.AddSingleton(schema);
        if (clock is not null) builder.Services.AddSingleton(clock);
        builder.Services.AddTodoCosmos(configuration);
        var requests = new RequestLog();
        var faults = new BatchFaults();
        var readModelFaults = new ReadModelFaults();
        builder.Services.Configure<CosmosClientOptions>(options =>
        {
            options.CustomHandlers.Add(requests);
            options.CustomHandlers.Add(faults);
            options.CustomHandlers.Add(readModelFaults);
        });
        var poison = new RecordingPoisonSink();
        builder.Services.AddSingleton<IPoisonEventSink>(poison);
        if (withProjector)
            builder.Services.AddChangeFeedProjection((services, batch, cancellationToken) =>
                services.GetRequiredService<TodoProjector>().ProjectAsync(batch, cancellationToken));

        var host = builder.Build();
        await host.StartAsync();
        return new TodoStoreHarness(host, requests, faults, readModelFaults, poison, databaseName, ownsDatabase);
    }

    public static CommandContext NoWait(string correlationId = "test") => new(correlationId, WaitForReadModel: false);

    public async Task<Guid> CreateAsync(string title, bool waitForReadModel = false, int? order = null)
    {
        var outcome = await Commands.CreateAsync(new CreateTodo(title, Order: order), new CommandContext("create", WaitForReadModel: waitForReadModel), default);
        return Assert.IsType<CommandOutcome.Succeeded>(outcome).Todo.Id;
    }

    /// <summary>Every document of the events container for one todo, events and snapshot, as the change feed delivers them.</summary>
    public async Task<List<EventDocument>> DocumentsOfAsync(Guid todoId)
    {
        var documents = new List<EventDocument>();
        using var iterator = Events.GetItemQueryIterator<EventDocument>(
            "SELECT * FROM c", requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(todoId.ToString()) });
        while (iterator.HasMoreResults) documents.AddRange(await iterator.ReadNextAsync());
        return documents;
    }

    /// <summary>The todo as the domain's fold of its stored stream says it is: what the read model must converge to (<c>null</c> once deleted).</summary>
    public async Task<TodoView?> FoldAsync(Guid todoId)
    {
        var stream = await Store.ReadStreamAsync(todoId, default);
        var folded = Todo.Fold(stream.Select(Decode));
        return folded is { IsDeleted: false }
            ? new TodoView(todoId, folded.Title, folded.Completed, folded.Order, stream.Count, stream[0].Timestamp)
            : null;
    }

    /// <summary>A recorded event decoded as this store's codec decodes it, upcasting an older schema.</summary>
    public TodoEvent Decode(RecordedEvent recorded) =>
        Codec.Decode(new EventDocument(
            "", recorded.TodoId, EventDocument.EventKind, recorded.Version, recorded.Type, recorded.SchemaVersion, recorded.Data, recorded.Timestamp, recorded.CorrelationId));

    /// <summary>An event document as another writer (a newer version of this app, an operator) might have stored it.</summary>
    public static EventDocument ForeignEvent(Guid todoId, long version, string type, int schemaVersion = 1, string data = "{}") =>
        new(EventDocument.EventId(todoId, version), todoId, EventDocument.EventKind, version, type, schemaVersion,
            JsonDocument.Parse(data).RootElement.Clone(), DateTimeOffset.UtcNow, "operator");

    /// <summary>
    /// Appends an event document as it stands, the way the store appends: in one batch with the snapshot moved on to
    /// its version and changed by <paramref name="changeSnapshot"/> (as a writer that knows the event would fold it).
    /// </summary>
    public async Task AppendForeignEventAsync(EventDocument foreign, Action<JsonObject> changeSnapshot)
    {
        var partition = new PartitionKey(foreign.TodoId.ToString());
        var snapshot = await Events.ReadItemAsync<EventDocument>(EventDocument.SnapshotId(foreign.TodoId), partition);
        var data = JsonSerializer.SerializeToNode(snapshot.Resource.Data)!.AsObject();
        changeSnapshot(data);
        using var response = await Events.CreateTransactionalBatch(partition)
            .CreateItem(foreign)
            .ReplaceItem(snapshot.Resource.Id, snapshot.Resource with { Version = foreign.Version, Data = JsonSerializer.SerializeToElement(data) },
                new TransactionalBatchItemRequestOptions { IfMatchEtag = snapshot.ETag })
            .ExecuteAsync();
        Assert.True(response.IsSuccessStatusCode);
    }

    /// <summary>
    /// Appends a raw event document, well-formed or not, the way the store appends: in one batch with the snapshot
    /// moved on to <paramref name="version"/>, so the command service appends after it.
    /// </summary>
    public async Task AppendRawEventAsync(Guid todoId, long version, string json)
    {
        var partition = new PartitionKey(todoId.ToString());
        var snapshot = await Events.ReadItemAsync<EventDocument>(EventDocument.SnapshotId(todoId), partition);
        using var response = await Events.CreateTransactionalBatch(partition)
            .CreateItemStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .ReplaceItem(snapshot.Resource.Id, snapshot.Resource with { Version = version }, new TransactionalBatchItemRequestOptions { IfMatchEtag = snapshot.ETag })
            .ExecuteAsync();
        Assert.True(response.IsSuccessStatusCode);
    }

    /// <summary>Waits, within a generous bound, until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
            await Task.Delay(50, bound.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        if (ownsDatabase)
            await host.Services.GetRequiredService<CosmosClient>().GetDatabase(DatabaseName).DeleteAsync();
        host.Dispose();
    }

    private Container Container(string name) => host.Services.GetRequiredService<CosmosClient>().GetContainer(DatabaseName, name);
}
