using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;
using Xunit.Abstractions;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// <c>POST /api/admin/projections/todos/rebuild</c>: the read model is rebuilt from the whole log into a fresh
/// container by the queue-triggered function while the API keeps serving, then switched to atomically.
/// </summary>
public sealed class RebuildTests(LocalHostFixture fixture, ITestOutputHelper output) : IClassFixture<LocalHostFixture>
{
    private const int SeededTodos = 700;

    private readonly HttpClient client = fixture.Client;
    private readonly HttpClient admin = fixture.AdminClient;

    [Fact]
    public async Task A_rebuild_under_load_never_shows_a_partial_list_refuses_a_second_request_reports_progress_and_ends_equal_to_the_fold_of_every_stream()
    {
        var seeded = await SeedAsync();
        var eventsInLog = (await fixture.Events.FoldEveryStreamAsync()).Sum(stream => stream.Value.Version);
        await Eventually.ReadAsync(ReadModelMatchesTheLogAsync, matches => matches, "the projector to catch up with the seeded log");
        var before = await StatusAsync();

        var started = Stopwatch.GetTimestamp();
        using var accepted = await admin.PostAsync("admin/projections/todos/rebuild", null);
        using var second = await admin.PostAsync("admin/projections/todos/rebuild", null);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var requestId = (await accepted.ReadJsonAsync()).GetProperty("requestId").GetString();
        Assert.EndsWith("/api/admin/projections/todos", accepted.Headers.Location?.ToString());
        var refused = await second.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(requestId, refused.GetProperty("rebuild").GetProperty("requestId").GetString());
        Assert.Contains("/api/admin/projections/todos/rebuild/cancel", refused.GetProperty("detail").GetString());

        var statuses = new ConcurrentQueue<JsonElement>();
        var partialLists = new ConcurrentQueue<string>();
        var failedCommands = new ConcurrentQueue<string>();
        var shownToReaders = new ConcurrentDictionary<string, bool>(seeded.ToDictionary(url => url, _ => true));
        using var switched = new CancellationTokenSource();
        var writes = WriteAsync(seeded, shownToReaders, failedCommands, switched.Token);
        var reads = ReadListsAsync(shownToReaders, partialLists, switched.Token);
        var after = await Eventually.ReadAsync(
            async () =>
            {
                var status = await StatusAsync();
                statuses.Enqueue(status);
                return status;
            },
            status => status.GetProperty("liveVersion").GetInt32() > before.GetProperty("liveVersion").GetInt32(),
            "the rebuild to switch the live read model");
        var rebuildTime = Stopwatch.GetElapsedTime(started);
        await switched.CancelAsync();
        await writes;
        var listsRead = await reads;

        Assert.Empty(failedCommands);
        Assert.True(listsRead > 0, "No list was read during the rebuild.");
        Assert.Empty(partialLists);
        Assert.Contains(statuses, status => status.GetProperty("rebuildInProgress").GetBoolean()
            && status.GetProperty("rebuild").GetProperty("requestId").GetString() == requestId
            && status.GetProperty("rebuild").GetProperty("eventsProcessed").GetInt64() > 0
            && status.GetProperty("rebuild").GetProperty("position").GetString() is { Length: > 0 });
        Assert.False(after.GetProperty("rebuildInProgress").GetBoolean());
        Assert.Equal(before.GetProperty("liveContainer").GetString(), after.GetProperty("previousContainer").GetString());
        Assert.NotEqual(before.GetProperty("liveContainer").GetString(), after.GetProperty("liveContainer").GetString());
        Assert.True(await Eventually.ReadAsync(ReadModelMatchesTheLogAsync, matches => matches, "the rebuilt read model to equal the fold of every stream"));
        output.WriteLine($"Rebuild of {eventsInLog} events under load: {rebuildTime.TotalSeconds:0.0} s from request to switch, " +
            $"{eventsInLog / rebuildTime.TotalSeconds:0} events/s (including the switch's fixed wait of two pointer-cache periods, 2 x 0.5 s here)");
    }

    /// <summary>A few thousand events: every todo created, then changed in three fields at once, some renamed again, some deleted.</summary>
    private async Task<IReadOnlyList<string>> SeedAsync()
    {
        var commands = fixture.Host.Services.GetRequiredService<TodoCommandService>();
        var context = new CommandContext("rebuild-seed", WaitForReadModel: false);
        var live = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, SeededTodos), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            var created = (CommandOutcome.Succeeded)await commands.CreateAsync(new CreateTodo($"seeded {i}", Order: i), context, token);
            var id = created.Todo.Id;
            await commands.ExecuteAsync(id, new UpdateTodo(Title: $"seeded {i} changed", Completed: true, Order: SeededTodos - i), context, token);
            if (i % 3 == 0) await commands.ExecuteAsync(id, new UpdateTodo(Title: $"seeded {i} renamed"), context, token);
            if (i % 10 == 0) await commands.ExecuteAsync(id, new DeleteTodo(), context, token);
            else live.Add(new Uri(fixture.Host.BaseAddress, $"todos/{id}").ToString());
        });
        return [.. live];
    }

    /// <summary>Commands keep flowing during the rebuild: new todos, and changes to seeded ones.</summary>
    private async Task WriteAsync(IReadOnlyList<string> seeded, ConcurrentDictionary<string, bool> shownToReaders, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            using var created = await client.PostAsync("todos", Json($$"""{"title":"during rebuild {{round}}"}"""));
            using var patched = await client.PatchAsync(seeded[round % seeded.Count], Json($$"""{"title":"patched during rebuild {{round}}"}"""));
            if (created.StatusCode != HttpStatusCode.Created) failures.Enqueue($"POST answered {created.StatusCode}");
            else if (created.Header("X-Read-Model-Caught-Up") == "true") shownToReaders[(await created.ReadJsonAsync()).Url()] = true;
            if (patched.StatusCode != HttpStatusCode.OK) failures.Enqueue($"PATCH answered {patched.StatusCode}");
        }
    }

    /// <summary>Every list read during the rebuild must hold every todo a reader has already been shown.</summary>
    private async Task<int> ReadListsAsync(ConcurrentDictionary<string, bool> shownToReaders, ConcurrentQueue<string> partialLists, CancellationToken stop)
    {
        var read = 0;
        for (; !stop.IsCancellationRequested; read++)
        {
            var expected = shownToReaders.Keys.ToList();
            var listed = (await client.ListTodosAsync()).Select(todo => todo.Url()).ToHashSet();
            var missing = expected.Count(url => !listed.Contains(url));
            if (missing > 0) partialLists.Enqueue($"a list of {listed.Count} todos missed {missing} of the {expected.Count} already shown");
        }
        return read;
    }

    private Task<bool> ReadModelMatchesTheLogAsync() => fixture.Events.ReadModelMatchesAsync(client);

    private async Task<JsonElement> StatusAsync()
    {
        using var response = await admin.GetAsync("admin/projections/todos");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}
