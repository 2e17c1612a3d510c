using System.Net;
using System.Text;
using System.Text.Json;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// Every case of <see cref="HostileRequestCatalogue"/>, sent byte for byte over a socket: it answers its 4xx, as a
/// problem unless Kestrel refused it before any app code ran, never a 5xx, and stores nothing.
/// </summary>
[Collection(HostileRequestsCollection.Name)]
public sealed class HostileRequestCatalogueTests(LocalHostFixture fixture)
{
    public static TheoryData<string> Cases => [.. HostileRequestCatalogue.Cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_request_answers_its_4xx_and_stores_nothing(string name)
    {
        var hostile = HostileRequestCatalogue.Cases[name];
        var request = await BuildAsync(hostile);
        var stored = await fixture.CountStoredEventDocumentsAsync();

        var answer = await RawHttp.SendAsync(fixture.Host.BaseAddress, request);

        Assert.Equal(hostile.Expected, answer.Status);
        if (!hostile.RefusedByServer || answer.Body.Length > 0)
        {
            Assert.Equal("application/problem+json", answer.ContentType?.Split(';')[0]);
            Assert.Equal(hostile.Expected, JsonDocument.Parse(answer.Body).RootElement.GetProperty("status").GetInt32());
        }
        Assert.Equal(stored, await fixture.CountStoredEventDocumentsAsync());
    }

    [Fact]
    public async Task A_body_of_exactly_64_KiB_is_accepted()
    {
        const string start = """{"title":"at the limit","order":1}""";
        var body = start + new string(' ', 64 * 1024 - start.Length);

        using var response = await fixture.Client.PostAsync("todos", Json(body));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<byte[]> BuildAsync(HostileRequest hostile)
    {
        var host = fixture.Host.BaseAddress.Authority;
        if (hostile.Raw is { } raw) return Encoding.Latin1.GetBytes(raw.Replace("{host}", host));
        var target = "/api/" + hostile.Target.Replace("{unknown}", Guid.NewGuid().ToString());
        if (target.Contains("{id}"))
            target = target.Replace("{id}", (await fixture.Client.CreateTodoAsync("""{"title":"target of a hostile request"}""")).GetProperty("id").GetString());
        return RawHttp.Request(hostile.Method, target, hostile.Headers, hostile.Body, host);
    }
}
