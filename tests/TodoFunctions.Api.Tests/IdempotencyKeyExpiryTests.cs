using System.Net;
using TodoFunctions.Testing;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>A local host whose Idempotency-Key records live one second, so their Cosmos TTL passes within a test.</summary>
public sealed class ShortKeyExpiryLocalHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["TodoStore:IdempotencyKeyExpiry"] = "00:00:01",
    };
}

/// <summary>Keys expire through Cosmos TTL, over HTTP: until then a key is bound to its request, afterwards it is free.</summary>
public sealed class IdempotencyKeyExpiryTests(ShortKeyExpiryLocalHostFixture fixture) : IClassFixture<ShortKeyExpiryLocalHostFixture>
{
    [EmbeddedEmulatorFact]
    public async Task A_key_reused_for_another_request_is_refused_with_422_until_its_record_expires_and_then_runs_as_a_new_request()
    {
        var todo = await fixture.Client.CreateTodoAsync("""{"title":"walk the dog"}""");
        var key = Guid.NewGuid().ToString();
        using var first = await PatchAsync(todo.Url(), key, """{"completed":true}""");
        using var reusedAtOnce = await PatchAsync(todo.Url(), key, """{"title":"walk the cat"}""");

        var afterExpiry = await Eventually.ReadAsync(
            () => PatchAsync(todo.Url(), key, """{"title":"walk the cat"}"""),
            response => response.StatusCode != HttpStatusCode.UnprocessableContent,
            "the key's record to expire");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableContent, reusedAtOnce.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterExpiry.StatusCode);
        Assert.False(afterExpiry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("walk the cat", (await afterExpiry.ReadJsonAsync()).GetProperty("title").GetString());
    }

    private Task<HttpResponseMessage> PatchAsync(string url, string key, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        return fixture.Client.SendAsync(request);
    }
}
