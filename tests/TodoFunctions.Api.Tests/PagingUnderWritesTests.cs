using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>A page walk while another client writes: on a local host of its own, since it seeds thousands of todos.</summary>
public sealed class PagingUnderWritesTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private const int Seeded = 2_500;

    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Every_todo_that_exists_and_does_not_change_throughout_a_walk_is_seen_exactly_once_while_another_client_creates_and_deletes()
    {
        var seeded = await SeedAsync();
        await Eventually.ReadAsync(async () => (await client.ListTodosAsync()).Length, count => count == Seeded, "the projection of the seeded todos");
        var touched = new ConcurrentDictionary<string, bool>();
        var created = new ConcurrentDictionary<string, bool>();
        using var walked = new CancellationTokenSource();
        using var churned = new SemaphoreSlim(0);
        var churn = ChurnAsync(seeded, touched, created, churned, walked.Token);

        // The walk waits for the other client's next change before each page, so writes overlap it however fast it is.
        var pages = await client.WalkAsync("todos?limit=97", () => churned.WaitAsync(TimeSpan.FromSeconds(30)));
        await walked.CancelAsync();
        var writes = await churn;

        var seen = pages.SelectMany(page => page.Todos).Select(todo => todo.Url()).ToList();
        var untouched = seeded.Where(url => !touched.ContainsKey(url)).ToList();
        Assert.True(writes >= 20, $"only {writes} writes overlapped the walk of {pages.Count} pages");
        Assert.True(touched.Count >= 10, $"only {touched.Count} seeded todos were deleted or moved during the walk");
        Assert.All(untouched, url => Assert.Equal(1, seen.Count(item => item == url)));
        Assert.All(seen, url => Assert.True(seeded.Contains(url) || created.ContainsKey(url), $"{url} was never created"));
        Assert.All(seen.Where(url => created.ContainsKey(url)), url => Assert.Equal(1, seen.Count(item => item == url)));
    }

    /// <summary>Creates the todos as fast as the write side takes them, not waiting for the read model: orders with ties, and none.</summary>
    private async Task<HashSet<string>> SeedAsync()
    {
        var urls = new ConcurrentBag<string>();
        await Parallel.ForAsync(0, Seeded, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellationToken) =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "todos")
            {
                Content = Json(i % 4 == 0 ? $$"""{"title":"seed {{i}}"}""" : $$"""{"title":"seed {{i}}","order":{{i % 50}}}"""),
            };
            request.Headers.Add("X-Wait-For-Read-Model", "false");
            using var response = await client.SendAsync(request, cancellationToken);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            urls.Add((await response.ReadJsonAsync()).Url());
        });
        return [.. urls];
    }

    /// <summary>
    /// Until the walk ends: creates todos that sort before and after the walk's position, deletes seeded ones and moves
    /// some to another order (recorded as touched: they may be seen twice or not at all), signalling each pair of writes.
    /// Returns how many writes it made.
    /// </summary>
    private async Task<int> ChurnAsync(
        HashSet<string> seeded, ConcurrentDictionary<string, bool> touched, ConcurrentDictionary<string, bool> created,
        SemaphoreSlim churned, CancellationToken walking)
    {
        var random = new Random(10);
        var victims = new Queue<string>(seeded.OrderBy(_ => random.Next()));
        var writes = 0;
        while (!walking.IsCancellationRequested)
        {
            var victim = victims.Dequeue();
            touched[victim] = true;
            using var changed = writes % 3 == 2
                ? await client.PatchAsync(victim, Json($$"""{"order":{{random.Next(-5, 60)}}}"""))
                : await client.DeleteAsync(victim);
            Assert.True(changed.IsSuccessStatusCode, $"{changed.StatusCode} changing {victim}");
            var order = random.Next(2) == 0 ? JsonSerializer.Serialize(random.Next(-5, 60)) : "null";
            created[(await client.CreateTodoAsync($$"""{"title":"churn {{writes}}","order":{{order}}}""")).Url()] = true;
            writes += 2;
            churned.Release();
        }
        return writes;
    }
}
