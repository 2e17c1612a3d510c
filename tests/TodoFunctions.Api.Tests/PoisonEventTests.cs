using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;
using Xunit.Abstractions;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// An event the projector cannot apply parks its todo, once, on the dead-letter queue; every other todo keeps
/// projecting; the parked todo reads as stale; an operator's retry after the fix brings it back.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class PoisonEventTests(LocalHostFixture fixture, ITestOutputHelper output)
{
    private readonly HttpClient client = fixture.Client;
    private readonly HttpClient admin = fixture.AdminClient;

    [Fact]
    public async Task An_event_of_an_unknown_type_parks_exactly_its_todo_dead_letters_it_once_and_a_retry_after_the_fix_converges()
    {
        var poisoned = await client.CreateTodoAsync("""{"title":"poisoned","order":1}""");
        var poisonedId = Guid.Parse(poisoned.GetProperty("id").GetString()!);
        await client.PatchAsync(poisoned.Url(), Json("""{"title":"last good title"}"""));
        var bystander = await client.CreateTodoAsync("""{"title":"bystander"}""");

        var appended = Stopwatch.GetTimestamp();
        await fixture.Events.AppendAsync(poisonedId, "todo_archived", new { reason = "written by a newer app" });
        var deadLetter = await WaitForDeadLetterAsync(poisonedId);
        output.WriteLine($"Poison event appended -> dead-letter record readable: {Stopwatch.GetElapsedTime(appended).TotalMilliseconds:0} ms");
        // A later event of the parked todo waits behind the poison; the write side takes it as usual.
        var commands = fixture.Host.Services.GetRequiredService<TodoCommandService>();
        await commands.ExecuteAsync(poisonedId, new UpdateTodo(Completed: true), new CommandContext("poison-test", WaitForReadModel: false), CancellationToken.None);

        // Every other todo keeps projecting: these writes are read back at once.
        using var bystanderPatched = await client.PatchAsync(bystander.Url(), Json("""{"completed":true}"""));
        using var newcomer = await client.PostAsync("todos", Json("""{"title":"newcomer"}"""));
        Assert.All(new[] { bystanderPatched, newcomer }, write => Assert.Equal("true", write.Header("X-Read-Model-Caught-Up")));

        Assert.Equal(poisonedId, deadLetter.GetProperty("todoId").GetGuid());
        Assert.Equal(3, deadLetter.GetProperty("version").GetInt64());
        Assert.Equal("todo_archived", deadLetter.GetProperty("eventType").GetString());
        Assert.Equal("todo_archived", deadLetter.GetProperty("event").GetProperty("type").GetString());
        Assert.Contains("todo_archived", deadLetter.GetProperty("error").GetString());
        Assert.True(deadLetter.GetProperty("attempts").GetInt32() >= 1);

        // The dead-letter record comes first, the parked marker right after it; the statistics park the todo too.
        var parked = await Eventually.ReadAsync(ParkedAsync, todos => todos.Length == 2, "the todo to be parked by both projections");
        Assert.Equal(["statistics", "todos"], parked.Select(todo => todo.GetProperty("projection").GetString()).Order());
        var only = Assert.Single(parked, todo => todo.GetProperty("projection").GetString() == "todos");
        Assert.Equal(poisonedId, only.GetProperty("todoId").GetGuid());
        Assert.Equal(3, only.GetProperty("parkedAtVersion").GetInt64());

        using var stale = await client.GetAsync(poisoned.Url());
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("parked-at-version=3", stale.Header("X-Read-Model-Stale"));
        Assert.Equal("\"2\"", stale.Headers.ETag?.ToString());
        var staleTodo = await stale.ReadJsonAsync();
        Assert.Equal("last good title", staleTodo.GetProperty("title").GetString());
        Assert.True(staleTodo.GetProperty("stale").GetBoolean());
        using var staleRevalidated = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, poisoned.Url()) { Headers = { { "If-None-Match", "\"2\"" } } });
        Assert.Equal(HttpStatusCode.NotModified, staleRevalidated.StatusCode);
        Assert.Equal("parked-at-version=3", staleRevalidated.Header("X-Read-Model-Stale"));
        var listed = await client.ListTodosAsync();
        Assert.True(listed.Single(todo => todo.Url() == poisoned.Url()).GetProperty("stale").GetBoolean());
        Assert.False(listed.Single(todo => todo.Url() == bystander.Url()).TryGetProperty("stale", out _));

        using var retriedTooSoon = await admin.PostAsync($"admin/projections/todos/parked/{poisonedId}/retry", null);
        await retriedTooSoon.AssertProblemAsync(HttpStatusCode.Conflict);

        // The fix: here the event is rewritten as one this code reads; in practice, usually, a deployment that reads it.
        await fixture.Events.ReplaceAsync(poisonedId, 3, nameof(TodoTitleUpdated), new { title = "last good title" });
        using var retried = await admin.PostAsync($"admin/projections/todos/parked/{poisonedId}/retry", null);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(4, (await retried.ReadJsonAsync()).GetProperty("appliedVersion").GetInt64());
        using var current = await client.GetAsync(poisoned.Url());
        Assert.Null(current.Header("X-Read-Model-Stale"));
        Assert.Equal("\"4\"", current.Headers.ETag?.ToString());
        var currentTodo = await current.ReadJsonAsync();
        Assert.False(currentTodo.TryGetProperty("stale", out _));
        var fold = (await fixture.Events.FoldEveryStreamAsync())[poisonedId];
        Assert.Equal((fold.State!.Title, fold.State.Completed, fold.State.Order), (currentTodo.GetProperty("title").GetString(), currentTodo.GetProperty("completed").GetBoolean(), (int?)currentTodo.GetProperty("order").GetInt32()));
        Assert.Empty(await ParkedAsync());
        Assert.Single(await DeadLettersAsync(), message => message.GetProperty("todoId").GetGuid() == poisonedId && message.GetProperty("projection").GetString() == "todos");
    }

    private async Task<JsonElement> WaitForDeadLetterAsync(Guid todoId)
    {
        var messages = await Eventually.ReadAsync(DeadLettersAsync, messages => messages.Any(OfTodo), "the poison event's dead-letter record");
        return messages.Single(OfTodo);

        // The todo view's record: the statistics projection records the event for itself too.
        bool OfTodo(JsonElement message) => message.GetProperty("todoId").GetGuid() == todoId && message.GetProperty("projection").GetString() == "todos";
    }

    /// <summary>The dead-letter queue as an operator reads it: peeked with the real queue client, left in place.</summary>
    private async Task<JsonElement[]> DeadLettersAsync()
    {
        var queue = fixture.Storage.Queue(ProjectionQueues.DeadLetters);
        if (!await queue.ExistsAsync()) return [];
        var peeked = await queue.PeekMessagesAsync(maxMessages: 32);
        return [.. peeked.Value.Select(message => JsonDocument.Parse(message.Body).RootElement.Clone())];
    }

    private async Task<JsonElement[]> ParkedAsync()
    {
        using var response = await admin.GetAsync("admin/projections/todos/parked");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).EnumerateArray()];
    }
}
