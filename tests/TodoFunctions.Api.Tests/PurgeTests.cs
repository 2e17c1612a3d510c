using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// <c>DELETE /api/todos/trash/{id}</c>: a todo in the trash is purged for good, and its title is found nowhere after,
/// neither through the API nor in any stored document nor after a rebuild. On a local host of its own, since it rebuilds.
/// </summary>
public sealed class PurgeTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Purging_a_deleted_todo_answers_204_and_then_it_is_404_to_get_restore_and_another_purge()
    {
        var todo = await client.CreateTodoAsync("""{"title":"old news"}""");
        using var deleted = await client.DeleteAsync(todo.Url());

        using var purged = await client.DeleteAsync(TrashUrl(todo));

        Assert.Equal(HttpStatusCode.NoContent, purged.StatusCode);
        Assert.Equal("true", purged.Header("X-Read-Model-Caught-Up"));
        using var get = await client.GetAsync(todo.Url());
        await get.AssertProblemAsync(HttpStatusCode.NotFound);
        using var restore = await client.PostAsync($"{todo.Url()}/restore", null);
        await restore.AssertProblemAsync(HttpStatusCode.NotFound);
        using var again = await client.DeleteAsync(TrashUrl(todo));
        await again.AssertProblemAsync(HttpStatusCode.NotFound);
        using var past = await client.GetAsync($"{todo.Url()}?version=1");
        Assert.Contains("purged", (await past.AssertProblemAsync(HttpStatusCode.NotFound)).GetProperty("detail").GetString());
        Assert.Equal(["TodoCreated", "TodoDeleted", "TodoPurged"], (await client.ListEventsAsync(todo.Url())).Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Purging_a_live_todo_is_409_delete_it_first_and_appends_nothing()
    {
        var todo = await client.CreateTodoAsync("""{"title":"still wanted"}""");

        using var refused = await client.DeleteAsync(TrashUrl(todo));

        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("delete it first", problem.GetProperty("detail").GetString());
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }

    [Fact]
    public async Task Purging_an_unknown_todo_is_404()
    {
        using var unknown = await client.DeleteAsync($"todos/trash/{Guid.NewGuid()}");
        using var notAnId = await client.DeleteAsync("todos/trash/not-a-uuid");

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        await notAnId.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_stale_if_match_is_412_with_the_trashed_todos_etag_and_the_current_one_purges()
    {
        var todo = await client.CreateTodoAsync("""{"title":"versioned"}""");
        using var deleted = await client.DeleteAsync(todo.Url());

        using var stale = await client.SendAsync(HttpMethod.Delete, TrashUrl(todo), ifMatch: "\"1\"");
        using var current = await client.SendAsync(HttpMethod.Delete, TrashUrl(todo), ifMatch: "\"2\"");

        await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("\"2\"", stale.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.NoContent, current.StatusCode);
    }

    [Fact]
    public async Task A_purge_repeated_with_its_idempotency_key_replays_the_204()
    {
        var todo = await client.CreateTodoAsync("""{"title":"purged once"}""");
        using var deleted = await client.DeleteAsync(todo.Url());
        var key = Guid.NewGuid().ToString();

        using var first = await client.SendWithHeadersAsync(HttpMethod.Delete, TrashUrl(todo), null, ("Idempotency-Key", key));
        using var repeat = await client.SendWithHeadersAsync(HttpMethod.Delete, TrashUrl(todo), null, ("Idempotency-Key", key));

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, repeat.StatusCode));
        Assert.Equal((null, "true"), (first.Header("Idempotent-Replayed"), repeat.Header("Idempotent-Replayed")));
        Assert.Equal(3, (await client.ListEventsAsync(todo.Url())).Length);
    }

    [Fact]
    public async Task After_a_purge_the_titles_are_found_nowhere_through_the_api_in_any_stored_document_or_after_a_rebuild()
    {
        var secret = $"purge-me-{Guid.NewGuid():N}";
        var todo = await client.CreateTodoAsync($$"""{"title":"{{secret}} first"}""");
        using var renamed = await client.SendWithHeadersAsync(
            HttpMethod.Patch, todo.Url(), Json($$"""{"title":"{{secret}} second"}"""), ("Idempotency-Key", Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        using var deleted = await client.DeleteAsync(todo.Url());
        Assert.Contains(secret, await StoredDocumentsAsync());

        using var purged = await client.DeleteAsync(TrashUrl(todo));

        Assert.Equal(HttpStatusCode.NoContent, purged.StatusCode);
        await AssertFoundNowhereAsync(todo, secret);

        var liveVersion = (await StatusAsync()).GetProperty("liveVersion").GetInt32();
        using var rebuild = await fixture.AdminClient.PostAsync("admin/projections/todos/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, rebuild.StatusCode);
        await Eventually.ReadAsync(StatusAsync, status => status.GetProperty("liveVersion").GetInt32() > liveVersion, "the rebuild to switch");

        await AssertFoundNowhereAsync(todo, secret);
        Assert.Equal(4, (await client.ListEventsAsync(todo.Url())).Length);
    }

    [Fact]
    public async Task Other_methods_on_a_trashed_todo_are_405_naming_delete()
    {
        using var get = await client.GetAsync($"todos/trash/{Guid.NewGuid()}");

        await get.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal("DELETE, OPTIONS", get.Header("Allow"));
    }

    [EmbeddedEmulatorFact]
    public async Task A_database_failing_mid_masking_still_answers_204_for_the_stored_purge_the_log_and_the_past_already_show_no_title_and_the_projector_then_finishes_the_masking()
    {
        var secret = $"purge-me-{Guid.NewGuid():N}";
        var todo = await client.CreateTodoAsync($$"""{"title":"{{secret}}"}""");
        using var deleted = await client.DeleteAsync(todo.Url());
        var faults = fixture.Emulator!.Faults;
        faults.Install(new FaultPlan
        {
            Seed = 11,
            Rules = [new FaultRule
            {
                Operations = [FaultOperation.Replace], Container = TodoStoreLayout.EventsContainer,
                PartitionKey = new JValue(todo.GetProperty("id").GetString()), Outcome = FaultOutcome.ServiceUnavailable, RetryAfterMs = 1,
            }],
        });
        try
        {
            using var purged = await client.SendWithHeadersAsync(HttpMethod.Delete, TrashUrl(todo), null, ("X-Wait-For-Read-Model", "false"));
            // TodoPurged is stored: a 503 would say that nothing happened.
            Assert.Equal(HttpStatusCode.NoContent, purged.StatusCode);
            Assert.Equal("false", purged.Header("X-Read-Model-Caught-Up"));
            Assert.Contains(secret, await StoredDocumentsAsync());
            await AssertShownNowhereAsync(secret, LogAndPast(todo));
        }
        finally
        {
            faults.Clear();
        }

        await Eventually.ReadAsync(StoredDocumentsAsync, stored => !stored.Contains(secret), "the projector to finish the masking");
        using var again = await client.DeleteAsync(TrashUrl(todo));
        await again.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task AssertFoundNowhereAsync(JsonElement todo, string secret)
    {
        await AssertShownNowhereAsync(secret, [todo.Url(), "todos", "todos/trash", .. LogAndPast(todo)]);
        Assert.DoesNotContain(secret, await StoredDocumentsAsync());
    }

    private async Task AssertShownNowhereAsync(string secret, IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            using var answer = await client.GetAsync(url);
            Assert.DoesNotContain(secret, await answer.Content.ReadAsStringAsync());
        }
    }

    /// <summary>The reads of the event log: they mask a purged todo as soon as <c>TodoPurged</c> is appended.</summary>
    private static string[] LogAndPast(JsonElement todo) => [$"{todo.Url()}/events", $"{todo.Url()}?version=1", $"{todo.Url()}?asOf=2999-01-01T00:00:00Z"];

    /// <summary>Every document of every container of the app's database (events, both read containers, leases), as stored.</summary>
    private async Task<string> StoredDocumentsAsync()
    {
        var cosmos = fixture.Host.Services.GetRequiredService<CosmosClient>();
        var database = cosmos.GetDatabase(fixture.Host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value.DatabaseName);
        var stored = new List<string>();
        using var containers = database.GetContainerQueryIterator<ContainerProperties>();
        while (containers.HasMoreResults)
            foreach (var container in await containers.ReadNextAsync())
            {
                using var documents = database.GetContainer(container.Id).GetItemQueryIterator<JsonElement>("SELECT * FROM c");
                while (documents.HasMoreResults) stored.AddRange((await documents.ReadNextAsync()).Select(document => document.GetRawText()));
            }
        return string.Join('\n', stored);
    }

    private async Task<JsonElement> StatusAsync()
    {
        using var status = await fixture.AdminClient.GetAsync("admin/projections/todos");
        return await status.ReadJsonAsync();
    }

    private static string TrashUrl(JsonElement todo) => $"todos/trash/{todo.GetProperty("id").GetString()}";
}
