using Microsoft.Azure.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// A delivery that holds a todo's stream from its first event is written with a create and no read; where a document
/// is already there the create's conflict falls back to read, fold and replace, so replays, parking and newer builds
/// are treated as before. Requests are counted in the SDK's pipeline.
/// </summary>
public sealed class ProjectionWithoutReadTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task A_fresh_todos_first_delivery_is_one_create_of_each_read_document_and_no_read()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        await WarmUpAsync(store);
        var id = await store.CreateAsync("walk the dog");
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Completed: true), TodoStoreHarness.NoWait(), default);
        var delivery = await store.DocumentsOfAsync(id);

        var view = store.Requests.Measure();
        await store.Projector.ProjectAsync(delivery, default);
        var statistics = store.Requests.Measure();
        await store.StatisticsProjector.ProjectAsync(delivery, default);
        store.Requests.Measure();

        Assert.Equal(["POST"], Methods(view));
        Assert.Equal(["POST"], Methods(statistics));
        Assert.Equal((await store.Store.LoadAsync(id, default)).ToView(), await store.ReadModel.GetAsync(id, default));
    }

    [Fact]
    public async Task A_replayed_first_delivery_finds_the_document_through_the_conflict_and_writes_nothing()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        await WarmUpAsync(store);
        var id = await store.CreateAsync("walk the dog");
        var delivery = await store.DocumentsOfAsync(id);
        await store.Projector.ProjectAsync(delivery, default);
        var before = await ReadETagAsync(store, id);

        var replay = store.Requests.Measure();
        await store.Projector.ProjectAsync(delivery, default);
        store.Requests.Measure();

        Assert.Equal(["POST", "GET"], Methods(replay));
        Assert.Equal(before, await ReadETagAsync(store, id));
    }

    [Fact]
    public async Task A_first_delivery_behind_a_document_another_writer_left_at_an_older_version_brings_it_up_to_date()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("one");
        await store.Commands.ExecuteAsync(id, new UpdateTodo(Title: "two"), TodoStoreHarness.NoWait(), default);
        var events = (await store.DocumentsOfAsync(id)).Where(document => document.IsEvent).OrderBy(document => document.Version).ToList();
        await store.Projector.ProjectAsync([events[0]], default);

        await store.Projector.ProjectAsync(events, default);

        var expected = (await store.Store.LoadAsync(id, default)).ToView();
        Assert.Equal(("two", 2L), (expected.Title, expected.Version));
        Assert.Equal(expected, await store.ReadModel.GetAsync(id, default));
    }

    [Fact]
    public async Task A_replayed_first_delivery_of_a_parked_todo_keeps_its_marker_and_records_the_poison_once()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        IReadOnlyList<EventDocument> delivery = [.. await store.DocumentsOfAsync(id), TodoStoreHarness.ForeignEvent(id, 2, "todo_archived")];
        await store.Projector.ProjectAsync(delivery, default);
        var before = await ReadETagAsync(store, id);

        await store.Projector.ProjectAsync(delivery, default);

        Assert.Equal(2L, (await store.ReadModel.GetAsync(id, default))?.ParkedAtVersion);
        Assert.Equal(2L, Assert.Single(store.Poison.Recorded).Version);
        Assert.Equal(before, await ReadETagAsync(store, id));
    }

    [Fact]
    public async Task A_first_delivery_leaves_a_document_of_a_newer_read_model_build_alone()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        var id = await store.CreateAsync("walk the dog");
        var delivery = await store.DocumentsOfAsync(id);
        await store.Projector.ProjectAsync(delivery, default);
        var partition = new PartitionKey(id.ToString());
        var stored = (await store.ReadContainer.ReadItemAsync<TodoViewDocument>(id.ToString(), partition)).Resource;
        var newer = await store.ReadContainer.ReplaceItemAsync(stored with { Title = "rebuilt", ReadModelVersion = 2 }, id.ToString(), partition);

        await store.Projector.ProjectAsync(delivery, default);

        Assert.Equal(newer.ETag, await ReadETagAsync(store, id));
    }

    [Fact]
    public async Task Once_first_deliveries_keep_finding_documents_written_through_the_projector_reads_first_and_turns_back_when_they_stop()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false);
        await WarmUpAsync(store);
        for (var i = 0; i < TurnAround; i++)
            await store.Projector.ProjectAsync(await store.DocumentsOfAsync(await store.CreateAsync($"written through {i}", waitForReadModel: true)), default);

        var writtenThrough = await store.DocumentsOfAsync(await store.CreateAsync("written through", waitForReadModel: true));
        var firstUnwritten = await store.DocumentsOfAsync(await store.CreateAsync("not written through"));
        var readFirst = store.Requests.Measure();
        await store.Projector.ProjectAsync(writtenThrough, default);
        var stillReadFirst = store.Requests.Measure();
        await store.Projector.ProjectAsync(firstUnwritten, default);
        store.Requests.Measure();
        for (var i = 0; i < TurnAround; i++)
            await store.Projector.ProjectAsync(await store.DocumentsOfAsync(await store.CreateAsync($"not written through {i}")), default);
        var unwritten = await store.DocumentsOfAsync(await store.CreateAsync("backlog"));
        var createFirst = store.Requests.Measure();
        await store.Projector.ProjectAsync(unwritten, default);
        store.Requests.Measure();

        Assert.Equal(["GET"], Methods(readFirst));
        Assert.Equal(["GET", "POST"], Methods(stillReadFirst));
        Assert.Equal(["POST"], Methods(createFirst));
    }

    [Fact]
    public async Task With_create_first_switched_off_a_first_delivery_reads_first()
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false,
            settings: new Dictionary<string, string?> { ["TodoStore:ProjectorCreatesWithoutRead"] = "false" });
        await WarmUpAsync(store);
        var delivery = await store.DocumentsOfAsync(await store.CreateAsync("walk the dog"));

        var projection = store.Requests.Measure();
        await store.Projector.ProjectAsync(delivery, default);
        store.Requests.Measure();

        Assert.Equal(["GET", "POST"], Methods(projection));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task The_projector_writes_as_many_todos_of_a_batch_at_once_as_its_parallelism_setting_allows(int parallelism)
    {
        await using var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: false,
            settings: new Dictionary<string, string?> { ["TodoStore:ProjectorParallelism"] = parallelism.ToString() });
        await WarmUpAsync(store);
        var batch = new List<EventDocument>();
        for (var i = 0; i < 12; i++) batch.AddRange(await store.DocumentsOfAsync(await store.CreateAsync($"todo {i}")));

        var projection = store.Requests.Measure();
        await store.Projector.ProjectAsync(batch, default);
        store.Requests.Measure();

        Assert.Equal(12, projection.RoundTrips);
        Assert.InRange(projection.MostInFlight, parallelism == 1 ? 1 : 2, parallelism);
    }

    /// <summary>More first deliveries in a row than turn the writer's create-first estimate over.</summary>
    private const int TurnAround = 8;

    /// <summary>Reads the read-model pointer, which the harness then keeps for a minute, so that measured flows do not pay for it.</summary>
    private static async Task WarmUpAsync(TodoStoreHarness store)
    {
        var id = await store.CreateAsync("warm up");
        await store.Projector.ProjectAsync(await store.DocumentsOfAsync(id), default);
    }

    private static async Task<string> ReadETagAsync(TodoStoreHarness store, Guid id) =>
        (await store.ReadContainer.ReadItemAsync<TodoViewDocument>(id.ToString(), new PartitionKey(id.ToString()))).ETag;

    private static IReadOnlyList<string> Methods(RequestLog.Tally tally) => [.. tally.Requests.Select(request => request.Split(' ')[0])];
}
