using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos;
using TodoFunctions.Testing;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>Forever: todos stored by the release before per-type schemas (<see cref="V1Fixture"/>) are served over HTTP as they were.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class V1FixtureHttpTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task V1_todos_are_projected_and_served_as_they_were_their_events_shown_as_stored_and_a_patch_appends_at_this_releases_versions()
    {
        var options = fixture.Host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
        await V1Fixture.LoadEventsAsync(fixture.Host.Services.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.EventsContainer));
        var url = $"todos/{V1Fixture.Renamed}";

        // The fixture's events reach the change feed one by one: wait for the last of them, not the first the projector shows.
        var lastVersion = V1Fixture.EventsOf(V1Fixture.Renamed).Count();
        var todo = await Eventually.ReadAsync(() => GetJsonAtVersionAsync(url, lastVersion), found => found is not null, "the projector to show the v1 todo at its last version");
        using var deleted = await client.GetAsync($"todos/{V1Fixture.Deleted}");

        Assert.Equal(("buy oat milk", false, 7), (todo!.Value.GetProperty("title").GetString(), todo.Value.GetProperty("completed").GetBoolean(), todo.Value.GetProperty("order").GetInt32()));
        Assert.False(todo.Value.TryGetProperty("dueDate", out _));
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        Assert.Equal(
            V1Fixture.EventsOf(V1Fixture.Renamed).Select(stored => ((string?)stored["type"], 1, stored["data"]!.ToJsonString())),
            (await client.ListEventsAsync(url)).Select(e => (e.GetProperty("type").GetString(), e.GetProperty("schemaVersion").GetInt32(), e.GetProperty("data").GetRawText())));

        using var patched = await client.PatchAsync(url, Json("""{"title":"buy milk","dueDate":"2027-01-15"}"""));

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var answer = await patched.ReadJsonAsync();
        Assert.Equal(("buy milk", "2027-01-15", "\"7\""),
            (answer.GetProperty("title").GetString(), answer.GetProperty("dueDate").GetString(), patched.Headers.ETag?.ToString()));
        Assert.Equal([("TodoTitleUpdated", 1), ("TodoDueDateChanged", 1)],
            (await client.ListEventsAsync(url)).Skip(5).Select(e => (e.GetProperty("type").GetString(), e.GetProperty("schemaVersion").GetInt32())));
    }

    private async Task<JsonElement?> GetJsonAtVersionAsync(string url, int version)
    {
        using var response = await client.GetAsync(url);
        return response.StatusCode == HttpStatusCode.OK && response.Headers.ETag?.Tag == $"\"{version}\"" ? await response.ReadJsonAsync() : null;
    }
}
