using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace TodoFunctions.Api.Tests;

/// <summary>The requests and readings the specifications share, so that each test shows only what it specifies.</summary>
internal static class HttpExtensions
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>POSTs a todo and returns its representation; the creation itself is specified elsewhere.</summary>
    public static async Task<JsonElement> CreateTodoAsync(this HttpClient client, string json)
    {
        using var response = await client.PostAsync("todos", Json(json));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static async Task<JsonElement[]> ListTodosAsync(this HttpClient client)
    {
        using var response = await client.GetAsync("todos");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).EnumerateArray()];
    }

    public static async Task<JsonElement[]> ListEventsAsync(this HttpClient client, string todoUrl)
    {
        using var response = await client.GetAsync($"{todoUrl}/events");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).EnumerateArray()];
    }

    public static Task<HttpResponseMessage> SendAsync(
        this HttpClient client, HttpMethod method, string url, HttpContent? content = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    /// <summary>Sends a request with the given headers (conditions and the like, added without validation as a client may send them).</summary>
    public static Task<HttpResponseMessage> SendWithHeadersAsync(
        this HttpClient client, HttpMethod method, string url, HttpContent? content, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return client.SendAsync(request);
    }

    public static string Url(this JsonElement todo) => todo.GetProperty("url").GetString()!;

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    /// <summary>Asserts an RFC 9457 problem with the given status and returns it for the specifics.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        foreach (var member in new[] { "type", "title", "detail" })
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty(member).GetString()), $"problem.{member} is empty");
        return problem;
    }

    /// <summary>Asserts a 400 whose <c>errors</c> names exactly the given fields.</summary>
    public static async Task AssertValidationProblemAsync(this HttpResponseMessage response, params string[] fields)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var named = problem.GetProperty("errors").EnumerateObject().Select(error => error.Name).Order();
        Assert.Equal(fields.Order(), named);
    }

    public static ByteArrayContent Body(string text, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }
}
