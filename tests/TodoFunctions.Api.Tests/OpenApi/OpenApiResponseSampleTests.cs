using System.Net.Http.Headers;
using System.Text;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests.OpenApi;

/// <summary>
/// Real answers of the local host, success and error paths of every documented operation, hold to the document: their
/// status is among the operation's responses, their body matches its schema, the headers it requires are there.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class OpenApiResponseSampleTests(LocalHostFixture fixture)
{
    private readonly List<string> errors = [];
    private readonly HashSet<string> exercised = [];
    private OpenApiContract contract = null!;

    [Fact]
    public async Task A_sample_of_real_answers_to_every_operation_matches_the_documented_statuses_schemas_and_headers()
    {
        contract = await OpenApiContract.ReadAsync(fixture.Client);
        var client = fixture.Client;

        await Sample(client, HttpMethod.Get, "openapi.json");
        var todo = await Sample(client, HttpMethod.Post, "todos", Json("""{"title":"described","order":1,"dueDate":"2027-01-15"}"""));
        var url = $"todos/{todo!.Value.GetProperty("id").GetString()}";
        await Sample(client, HttpMethod.Post, "todos", Json("""{"title":"   "}"""));
        await Sample(client, HttpMethod.Post, "todos", new StringContent("walk the dog", Encoding.UTF8, "text/plain"));
        await Sample(client, HttpMethod.Post, "todos", Json($$"""{"title":"{{new string('x', 70_000)}}"}"""));
        await Sample(client, HttpMethod.Post, "todos", Json("""{"title":"once"}"""), ("Idempotency-Key", "\"sample-key\""));
        await Sample(client, HttpMethod.Post, "todos", Json("""{"title":"once"}"""), ("Idempotency-Key", "\"sample-key\""));
        await Sample(client, HttpMethod.Post, "todos", Json("""{"title":"twice"}"""), ("Idempotency-Key", "\"sample-key\""));
        await Sample(client, HttpMethod.Post, "todos", Json("""{"title":"if"}"""), ("If-Match", "\"1\""));

        await Sample(client, HttpMethod.Get, "todos");
        await Sample(client, HttpMethod.Get, "todos?limit=1");
        await Sample(client, HttpMethod.Get, "todos?limit=0");
        await Sample(client, HttpMethod.Get, "todos", null, ("If-None-Match", "*"));
        await Sample(client, HttpMethod.Get, "todos", null, ("X-Session-Token", "not a token"));

        await Sample(client, HttpMethod.Get, url);
        await Sample(client, HttpMethod.Get, url, null, ("If-None-Match", "\"1\""));
        await Sample(client, HttpMethod.Get, url, null, ("If-Match", "\"9\""));
        await Sample(client, HttpMethod.Get, $"{url}?version=1");
        await Sample(client, HttpMethod.Get, $"{url}?version=one");
        await Sample(client, HttpMethod.Get, $"todos/{Guid.NewGuid()}");
        await Sample(client, HttpMethod.Patch, url, Json("""{"completed":true}"""));
        await Sample(client, HttpMethod.Patch, url, Json("""{"completed":"yes"}"""));
        await Sample(client, HttpMethod.Patch, url, Json("""{"title":"stale"}"""), ("If-Match", "\"1\""));
        await Sample(client, HttpMethod.Patch, $"todos/{Guid.NewGuid()}", Json("""{"title":"nobody"}"""));
        await Sample(client, HttpMethod.Put, url, Json("""{"title":"replaced","completed":false,"order":null}"""));
        await Sample(client, HttpMethod.Put, url, Json("""{"title":"replaced"}"""));
        await Sample(client, HttpMethod.Get, $"{url}/events");
        await Sample(client, HttpMethod.Get, $"{url}/events?limit=1");
        await Sample(client, HttpMethod.Get, $"{url}/events?fromVersion=0");
        await Sample(client, HttpMethod.Get, $"todos/{Guid.NewGuid()}/events");

        await Sample(client, HttpMethod.Post, $"{url}/restore");
        await Sample(client, HttpMethod.Delete, $"todos/trash/{todo.Value.GetProperty("id").GetString()}");
        await Sample(client, HttpMethod.Delete, url);
        await Sample(client, HttpMethod.Delete, url);
        await Sample(client, HttpMethod.Get, "todos/trash");
        await Sample(client, HttpMethod.Get, "todos/trash?limit=1");
        await Sample(client, HttpMethod.Post, $"{url}/restore");
        await Sample(client, HttpMethod.Post, $"todos/{Guid.NewGuid()}/restore");
        await Sample(client, HttpMethod.Delete, url);
        await Sample(client, HttpMethod.Delete, $"todos/trash/{todo.Value.GetProperty("id").GetString()}");
        await Sample(client, HttpMethod.Delete, $"todos/trash/{todo.Value.GetProperty("id").GetString()}");
        await Sample(client, HttpMethod.Get, $"{url}?version=1");

        await Sample(client, HttpMethod.Get, "stats");
        await Sample(client, HttpMethod.Get, "stats", null, ("If-None-Match", "*"));
        await Sample(client, HttpMethod.Delete, "todos", null, ("Idempotency-Key", "a key\twith a tab"));
        await Sample(client, HttpMethod.Delete, "todos");

        await Sample(client, HttpMethod.Get, "health");

        var admin = fixture.AdminClient;
        await Sample(client, HttpMethod.Get, "admin/projections/todos/health");
        await Sample(admin, HttpMethod.Get, "admin/projections/todos/health");
        await Sample(client, HttpMethod.Get, "admin/projections/todos");
        await Sample(admin, HttpMethod.Get, "admin/projections/todos");
        await Sample(admin, HttpMethod.Get, "admin/projections/todos/parked");
        await Sample(admin, HttpMethod.Post, $"admin/projections/todos/parked/{Guid.NewGuid()}/retry");
        await Sample(admin, HttpMethod.Post, "admin/projections/todos/rebuild");
        await Sample(admin, HttpMethod.Post, "admin/projections/todos/rebuild");
        await Sample(admin, HttpMethod.Post, "admin/projections/todos/rebuild/cancel");
        await Sample(admin, HttpMethod.Post, "admin/projections/todos/rebuild/cancel");

        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Empty(contract.Operations.Select(operation => operation.OperationId).Except(exercised));
    }

    /// <summary>Sends a request, checks its answer against the document and returns its JSON body, if any.</summary>
    private async Task<System.Text.Json.JsonElement?> Sample(
        HttpClient client, HttpMethod method, string url, HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        using var response = await client.SendWithHeadersAsync(method, url, content, headers);
        var (operationId, found) = await contract.CheckAsync(method.Method, response.RequestMessage!.RequestUri!.AbsolutePath, response);
        if (operationId is not null) exercised.Add(operationId);
        errors.AddRange(found.Select(error => $"{method} {url} → {(int)response.StatusCode}: {error}"));
        return response.Content.Headers.ContentType?.MediaType == "application/json" ? await response.ReadJsonAsync() : null;
    }
}
