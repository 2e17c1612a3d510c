using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Local;
using TodoFunctions.Testing;
using static TodoFunctions.Benchmarks.Statistics;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// The figures of the projection's operations: how fast a rebuild replays the log and switches, and how soon an event
/// the projector cannot apply is on the dead-letter queue. A local host of its own, in a database of its own, so that
/// its short pointer cache does not change the figures above and the log holds exactly the events seeded here.
/// </summary>
internal static class ProjectionOperationsBenchmark
{
    private const int SeededTodos = 1000;
    private const int EventsPerSeededTodo = 3;
    private const int PoisonSamples = 20;
    private const string UnknownEventType = "todo_archived";

    private static readonly TimeSpan PointerCacheDuration = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan StatusPollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan PeekInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(CosmosEndpoint cosmos, AzuriteQueueService azurite)
    {
        await using var host = await LocalHost.StartAsync(new LocalHostOptions
        {
            Urls = "http://127.0.0.1:0",
            Settings = new Dictionary<string, string?>
            {
                [TodoStoreLayout.ConnectionSettingName] = cosmos.ConnectionString,
                [ProjectionQueues.ConnectionSetting] = azurite.ConnectionString,
                ["TodoStore:DatabaseName"] = cosmos.UniqueName("benchmark-operations"),
                ["TodoStore:ReadModelPointerCacheDuration"] = PointerCacheDuration.ToString(),
                ["Logging:LogLevel:Default"] = "Warning",
            },
        });
        var options = host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
        var commands = host.Services.GetRequiredService<TodoCommandService>();
        using var admin = new HttpClient { BaseAddress = host.BaseAddress };
        admin.DefaultRequestHeaders.Add(FunctionKey.Header, host.FunctionKey.Value);

        Console.WriteLine("Projection operations: a second local host in a database of its own, on the same emulator and Azurite.");
        var seeding = Stopwatch.GetTimestamp();
        var projected = await SeedAsync(commands);
        Console.WriteLine($"  seeded {SeededTodos * EventsPerSeededTodo} events ({SeededTodos} todos x {EventsPerSeededTodo}) through the command service " +
            $"in {Stopwatch.GetElapsedTime(seeding).TotalSeconds:0.0} s; the live projector had caught up with {projected} of the {SeededTodos} todos when seeding ended");
        Console.WriteLine();

        var quiet = await RebuildAsync(admin);
        using var stopCommanding = new CancellationTokenSource();
        var commanding = KeepCommandingAsync(commands, stopCommanding.Token);
        var underLoad = await RebuildAsync(admin);
        await stopCommanding.CancelAsync();
        var commandsDuringRebuild = await commanding;

        Console.WriteLine($"Rebuild from the log (s): POST /api/admin/projections/todos/rebuild with the function key, status read every {StatusPollInterval.TotalMilliseconds:0} ms until the switch");
        Console.WriteLine("                                      events  to Replaying  replay  events/s  catch-up+switch  request->switch  events/s");
        ReportRebuild("quiet log", quiet);
        ReportRebuild($"{commandsDuringRebuild} commands flowing meanwhile", underLoad);
        var listener = QueueTriggerOptions.FromHostJson(host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>());
        Console.WriteLine("  events: replayed when the status turns from Replaying to CatchingUp (the whole log then); replay: that phase alone.");
        Console.WriteLine("  request->switch includes fixed waits, so its events/s understates the replay. Before Replaying: the queue listener's pickup");
        Console.WriteLine($"  (it polls at most every {listener.MaxPollingInterval.TotalSeconds:0} s while idle) and, within two cache windows of the previous switch, the wait until no instance");
        Console.WriteLine($"  reads the container to rebuild. After CatchingUp: two read-model pointer-cache windows, 2 x {PointerCacheDuration.TotalMilliseconds:0} ms (TodoStore:ReadModelPointerCacheDuration).");
        Console.WriteLine();

        var deadLetterLatencies = await MeasurePoisonToDeadLetterAsync(host, options, azurite);
        Console.WriteLine($"Poison event -> dead-letter record (ms), {PoisonSamples} events of an unknown type written straight into the events container:");
        Console.WriteLine("                                              median      p99");
        Report("append acknowledged -> message peekable", deadLetterLatencies);
        Console.WriteLine($"  (change feed poll interval in force {options.ChangeFeedPollInterval.TotalMilliseconds:0} ms, each poison appended at a random moment of it;");
        Console.WriteLine($"  {options.MaxApplyAttempts} apply attempts before parking; the queue peeked with Azure.Storage.Queues every {PeekInterval.TotalMilliseconds:0} ms)");
    }

    /// <summary>
    /// Each todo created, then changed twice; its last change waits for the read model, so the projector is idle when
    /// seeding ends and the rebuild has the machine to itself. Answers how many of those waits saw their change projected.
    /// </summary>
    private static async Task<int> SeedAsync(TodoCommandService commands)
    {
        var noWait = new CommandContext("benchmark-seed", WaitForReadModel: false);
        var waiting = noWait with { WaitForReadModel = true };
        var projected = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, SeededTodos), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            var created = (CommandOutcome.Succeeded)await commands.CreateAsync(new CreateTodo($"seeded {i}", Order: i), noWait, token);
            await commands.ExecuteAsync(created.Todo.Id, new UpdateTodo(Completed: true), noWait, token);
            var renamed = (CommandOutcome.Succeeded)await commands.ExecuteAsync(created.Todo.Id, new UpdateTodo(Title: $"seeded {i} renamed"), waiting, token);
            if (renamed.ReadModelCaughtUp) Interlocked.Increment(ref projected);
        });
        return projected;
    }

    /// <summary>One client creating and changing todos, one command after the other, until told to stop; answers how many it sent.</summary>
    private static async Task<int> KeepCommandingAsync(TodoCommandService commands, CancellationToken stop)
    {
        var context = new CommandContext("benchmark-during-rebuild", WaitForReadModel: false);
        var sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var created = (CommandOutcome.Succeeded)await commands.CreateAsync(new CreateTodo($"during rebuild {sent}"), context, CancellationToken.None);
            await commands.ExecuteAsync(created.Todo.Id, new UpdateTodo(Completed: true), context, CancellationToken.None);
            sent += 2;
        }
        return sent;
    }

    /// <summary>Requests a rebuild and times, from the request, when the status first shows each phase and the switch.</summary>
    private static async Task<RebuildTimeline> RebuildAsync(HttpClient admin)
    {
        var before = await StatusAsync(admin);
        var requested = Stopwatch.GetTimestamp();
        using (var accepted = await admin.PostAsync("admin/projections/todos/rebuild", content: null))
            accepted.EnsureSuccessStatusCode();
        TimeSpan? replaying = null;
        RebuildTimeline? caughtUp = null;
        while (Stopwatch.GetElapsedTime(requested) < GiveUpAfter)
        {
            var status = await StatusAsync(admin);
            var elapsed = Stopwatch.GetElapsedTime(requested);
            if (status.LiveVersion > before.LiveVersion)
                return caughtUp is null
                    ? throw new InvalidOperationException("The rebuild switched before its status ever showed it catching up.")
                    : caughtUp with { Switched = elapsed };
            if (status.Rebuild is { State: not RebuildProgress.Requested }) replaying ??= elapsed;
            if (status.Rebuild is { State: RebuildProgress.CatchingUp } catchingUp)
                caughtUp ??= new RebuildTimeline(catchingUp.EventsProcessed, replaying!.Value, elapsed, elapsed);
            await Task.Delay(StatusPollInterval);
        }
        throw new TimeoutException($"The rebuild did not switch within {GiveUpAfter.TotalSeconds:0} s.");
    }

    private static async Task<ProjectionStatus> StatusAsync(HttpClient admin) =>
        await admin.GetFromJsonAsync<ProjectionStatus>("admin/projections/todos", Json)
            ?? throw new InvalidDataException("The projection status was JSON null.");

    private static void ReportRebuild(string label, RebuildTimeline rebuild)
    {
        var replay = rebuild.ReplayEnded - rebuild.ReplayStarted;
        Console.WriteLine($"  {label,-34} {rebuild.EventsReplayed,7} {rebuild.ReplayStarted.TotalSeconds,13:0.00} {replay.TotalSeconds,7:0.00} " +
            $"{rebuild.EventsReplayed / replay.TotalSeconds,9:0} {(rebuild.Switched - rebuild.ReplayEnded).TotalSeconds,16:0.00} " +
            $"{rebuild.Switched.TotalSeconds,16:0.00} {rebuild.EventsReplayed / rebuild.Switched.TotalSeconds,9:0}");
    }

    /// <summary>
    /// For each sample a todo of its own, projected, then an event of a type this code does not know appended to its
    /// stream as a newer app would append it; timed until the projector's dead-letter record can be peeked.
    /// </summary>
    private static async Task<List<double>> MeasurePoisonToDeadLetterAsync(LocalHost host, TodoStoreOptions options, AzuriteQueueService azurite)
    {
        var commands = host.Services.GetRequiredService<TodoCommandService>();
        var events = host.Services.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.EventsContainer);
        var deadLetters = new QueueClient(azurite.ConnectionString, ProjectionQueues.DeadLetters, StorageQueues.ClientOptions);
        await deadLetters.CreateIfNotExistsAsync();
        var waiting = new CommandContext("benchmark-poison", WaitForReadModel: true);
        var latencies = new List<double>();
        for (var i = 0; i < PoisonSamples; i++)
        {
            // Both projections dead-letter each poison event and a peek sees only the queue's first 32 messages: each
            // sample starts from an empty queue, so its record is among them.
            await deadLetters.ClearMessagesAsync();
            var todo = ((CommandOutcome.Succeeded)await commands.CreateAsync(new CreateTodo($"poisoned {i}"), waiting, CancellationToken.None)).Todo.Id;
            // Right after projecting, the processor reads the feed again at once; the poison must land at an arbitrary
            // moment of its idle polling instead, as an event written by another app would.
            await Task.Delay(options.ChangeFeedPollInterval * (1 + Random.Shared.NextDouble()));
            await AppendUnknownEventAsync(events, todo);
            var appended = Stopwatch.GetTimestamp();
            while (!await HasDeadLetterAsync(deadLetters, todo))
            {
                if (Stopwatch.GetElapsedTime(appended) > GiveUpAfter)
                    throw new TimeoutException($"No dead-letter record for todo {todo} within {GiveUpAfter.TotalSeconds:0} s.");
                await Task.Delay(PeekInterval);
            }
            latencies.Add(Stopwatch.GetElapsedTime(appended).TotalMilliseconds);
        }
        return latencies;
    }

    /// <summary>Appends as the event store does: the event and the snapshot's move to its version in one batch, guarded by the snapshot's ETag.</summary>
    private static async Task AppendUnknownEventAsync(Container events, Guid todoId)
    {
        var partition = new PartitionKey(todoId.ToString());
        var snapshot = await events.ReadItemAsync<JsonObject>(EventDocument.SnapshotId(todoId), partition);
        var version = snapshot.Resource["version"]!.GetValue<long>() + 1;
        snapshot.Resource["version"] = version;
        var unknown = new EventDocument(
            EventDocument.EventId(todoId, version), todoId, EventDocument.EventKind, version, UnknownEventType, SchemaVersion: 1,
            JsonSerializer.SerializeToElement(new { reason = "written by a newer app" }, Json), DateTimeOffset.UtcNow, "benchmark-poison");
        using var response = await events.CreateTransactionalBatch(partition)
            .CreateItem(unknown)
            .ReplaceItem(EventDocument.SnapshotId(todoId), snapshot.Resource, new TransactionalBatchItemRequestOptions { IfMatchEtag = snapshot.ETag })
            .ExecuteAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Appending the poison event failed with {response.StatusCode}.");
    }

    /// <summary>The dead-letter queue as an operator reads it: peeked with the real queue client, left in place.</summary>
    private static async Task<bool> HasDeadLetterAsync(QueueClient deadLetters, Guid todoId)
    {
        var peeked = await deadLetters.PeekMessagesAsync(maxMessages: 32);
        return peeked.Value.Any(message => message.Body.ToObjectFromJson<PoisonEvent>(Json)?.TodoId == todoId);
    }

    /// <summary>When, counted from the rebuild request, the status first showed the replay running, the replay done, and the switch.</summary>
    private sealed record RebuildTimeline(long EventsReplayed, TimeSpan ReplayStarted, TimeSpan ReplayEnded, TimeSpan Switched);
}
