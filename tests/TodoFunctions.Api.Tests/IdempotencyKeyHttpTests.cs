using System.Net;
using Newtonsoft.Json.Linq;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>Idempotency-Key over HTTP (draft-ietf-httpapi-idempotency-key-header): at most once, replayed, refused when misused.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class IdempotencyKeyHttpTests(LocalHostFixture fixture) : IDisposable
{
    private const string Replayed = "Idempotent-Replayed";

    [EmbeddedEmulatorFact]
    public async Task A_post_repeated_with_its_key_as_token_answers_the_same_201_marked_as_a_replay_and_creates_one_todo()
    {
        var key = Guid.NewGuid().ToString();

        using var first = await SendAsync(HttpMethod.Post, "todos", $"\"{key}\"", """{"title":"walk the dog"}""");
        using var repeat = await SendAsync(HttpMethod.Post, "todos", key, """{"title":"walk the dog"}""");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, repeat.StatusCode));
        Assert.Equal((null, "true"), (first.Header(Replayed), repeat.Header(Replayed)));
        Assert.Equal((first.Headers.Location, first.Headers.ETag), (repeat.Headers.Location, repeat.Headers.ETag));
        Assert.Equal((await first.ReadJsonAsync()).GetRawText(), (await repeat.ReadJsonAsync()).GetRawText());
        Assert.Equal("false", repeat.Header("X-Read-Model-Caught-Up"));
        Assert.Single(await fixture.Client.ListEventsAsync(first.Headers.Location!.ToString()));
    }

    [EmbeddedEmulatorFact]
    public async Task A_patch_repeated_with_its_key_appends_nothing_more()
    {
        var todo = await fixture.Client.CreateTodoAsync("""{"title":"walk the dog"}""");
        var key = Guid.NewGuid().ToString();

        using var first = await SendAsync(HttpMethod.Patch, todo.Url(), key, """{"completed":true}""");
        var events = await fixture.Client.ListEventsAsync(todo.Url());
        using var repeat = await SendAsync(HttpMethod.Patch, todo.Url(), key, """{"completed":true}""");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, repeat.StatusCode));
        Assert.Equal("true", repeat.Header(Replayed));
        Assert.Equal(first.Headers.ETag, repeat.Headers.ETag);
        Assert.Equal(events.Length, (await fixture.Client.ListEventsAsync(todo.Url())).Length);
    }

    [EmbeddedEmulatorFact]
    public async Task The_same_key_with_another_body_answers_422_while_on_another_path_it_is_another_key()
    {
        var one = await fixture.Client.CreateTodoAsync("""{"title":"one"}""");
        var two = await fixture.Client.CreateTodoAsync("""{"title":"two"}""");
        var key = Guid.NewGuid().ToString();
        using var first = await SendAsync(HttpMethod.Patch, one.Url(), key, """{"completed":true}""");

        using var otherBody = await SendAsync(HttpMethod.Patch, one.Url(), key, """{"completed":false}""");
        using var otherPath = await SendAsync(HttpMethod.Patch, two.Url(), key, """{"completed":true}""");

        await otherBody.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.OK, otherPath.StatusCode);
        Assert.Null(otherPath.Header(Replayed));
    }

    [EmbeddedEmulatorFact]
    public async Task A_key_longer_than_255_characters_answers_400_and_stores_nothing()
    {
        var stored = await fixture.CountStoredEventDocumentsAsync();

        using var tooLong = await SendAsync(HttpMethod.Post, "todos", new string('k', 256), """{"title":"walk the dog"}""");
        using var empty = await SendAsync(HttpMethod.Post, "todos", "\"\"", """{"title":"walk the dog"}""");

        await tooLong.AssertProblemAsync(HttpStatusCode.BadRequest);
        await empty.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(stored, await fixture.CountStoredEventDocumentsAsync());
        using var longest = await SendAsync(HttpMethod.Post, "todos", new string('k', 255 - 36) + Guid.NewGuid(), """{"title":"walk the dog"}""");
        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
    }

    [EmbeddedEmulatorFact]
    public async Task A_repeat_while_the_first_request_is_still_running_answers_409_with_Retry_After_until_its_marker_can_be_taken_over()
    {
        var todo = await fixture.Client.CreateTodoAsync("""{"title":"walk the dog"}""");
        var id = todo.GetProperty("id").GetString()!;
        var key = Guid.NewGuid().ToString();
        fixture.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 11,
            Rules =
            [
                new FaultRule
                {
                    Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, PartitionKey = new JValue(id),
                    Outcome = FaultOutcome.Latency, LatencyMs = 3000,
                },
            ],
        });
        var stored = await fixture.CountStoredEventDocumentsAsync();

        var running = SendAsync(HttpMethod.Patch, todo.Url(), key, """{"completed":true}""");
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (await fixture.CountStoredEventDocumentsAsync() == stored) await Task.Delay(20, bound.Token);
        using var concurrent = await SendAsync(HttpMethod.Patch, todo.Url(), key, """{"completed":true}""");
        using var first = await running;

        await concurrent.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.InRange(concurrent.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_post_whose_committed_append_lost_its_answer_is_replayed_on_retry()
    {
        fixture.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 11,
            Rules = [new FaultRule { Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, Next = 1, Outcome = FaultOutcome.TimeoutAfterApply }],
        });
        var key = Guid.NewGuid().ToString();

        using var first = await SendAsync(HttpMethod.Post, "todos", key, """{"title":"walk the dog"}""");
        fixture.Emulator.Faults.Clear();
        using var retry = await SendAsync(HttpMethod.Post, "todos", key, """{"title":"walk the dog"}""");

        Assert.Contains(fixture.Emulator.Faults.Injected, injected => injected.Kind == FaultOutcome.TimeoutAfterApply);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, retry.StatusCode));
        Assert.Equal((first.Headers.Location, "true"), (retry.Headers.Location, retry.Header(Replayed)));
        Assert.Single(await fixture.Client.ListEventsAsync(first.Headers.Location!.ToString()));
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_delete_all_repeated_answers_204_as_a_replay_and_spares_todos_created_since()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await SendAsync(HttpMethod.Delete, "todos", key, body: null);
        var later = await fixture.Client.CreateTodoAsync("""{"title":"created since"}""");

        using var repeat = await SendAsync(HttpMethod.Delete, "todos", key, body: null);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, repeat.StatusCode));
        Assert.Equal("true", repeat.Header(Replayed));
        using var stillThere = await fixture.Client.GetAsync(later.Url());
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_post_retried_under_another_spelling_of_its_path_is_a_replay_and_creates_one_todo()
    {
        var key = Guid.NewGuid().ToString();

        using var first = await SendAsync(HttpMethod.Post, "todos", key, """{"title":"walk the dog"}""");
        using var retry = await SendAsync(HttpMethod.Post, "/API/Todos/", key, """{"title":"walk the dog"}""");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, retry.StatusCode));
        Assert.Equal((first.Headers.Location, "true"), (retry.Headers.Location, retry.Header(Replayed)));
    }

    [EmbeddedEmulatorFact]
    public async Task A_keyed_patch_retried_with_the_todo_id_in_another_format_is_a_replay()
    {
        var todo = await fixture.Client.CreateTodoAsync("""{"title":"walk the dog"}""");
        var id = Guid.Parse(todo.GetProperty("id").GetString()!);
        var key = Guid.NewGuid().ToString();

        using var first = await SendAsync(HttpMethod.Patch, todo.Url(), key, """{"title":"walk the cat"}""");
        using var upper = await SendAsync(HttpMethod.Patch, $"todos/{id.ToString().ToUpperInvariant()}", key, """{"title":"walk the cat"}""");
        using var compact = await SendAsync(HttpMethod.Patch, $"todos/{id:N}", key, """{"title":"walk the cat"}""");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, upper.StatusCode, compact.StatusCode));
        Assert.Equal(("true", "true"), (upper.Header(Replayed), compact.Header(Replayed)));
    }

    public void Dispose() => fixture.Emulator?.Faults.Clear();

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? key, string? body)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : Json(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return fixture.Client.SendAsync(request);
    }
}
