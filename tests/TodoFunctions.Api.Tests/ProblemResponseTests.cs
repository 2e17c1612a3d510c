using System.Net;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>Refused requests: each error status with its problem+json body, and nothing stored for any of them.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class ProblemResponseTests(LocalHostFixture fixture)
{
    private const int MaxBodyBytes = 64 * 1024;

    private readonly HttpClient client = fixture.Client;

    [Theory]
    [InlineData("""{"title":"x","completed":"yes"}""", new[] { "completed" })]
    [InlineData("""{"title":"x","completed":null}""", new[] { "completed" })]
    [InlineData("""{"title":"x","order":1.5}""", new[] { "order" })]
    [InlineData("""{"title":"x","order":"3"}""", new[] { "order" })]
    [InlineData("""{"title":"x","order":2147483648}""", new[] { "order" })]
    [InlineData("""{"title":5}""", new[] { "title" })]
    [InlineData("""{"title":"   "}""", new[] { "title" })]
    [InlineData("""{"completed":true}""", new[] { "title" })]
    [InlineData("""{"title":"x","colour":"red"}""", new[] { "colour" })]
    [InlineData("""{"title":"","completed":"yes","priority":1}""", new[] { "title", "completed", "priority" })]
    public async Task Post_with_invalid_fields_answers_400_naming_each_one_and_stores_nothing(string body, string[] fields)
    {
        var stored = await fixture.CountStoredEventDocumentsAsync();

        using var response = await client.PostAsync("todos", Json(body));

        await response.AssertValidationProblemAsync(fields);
        Assert.Equal(stored, await fixture.CountStoredEventDocumentsAsync());
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'t', (byte)'i', (byte)'t', (byte)'l', (byte)'e', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    public async Task Post_with_bytes_that_are_not_utf8_answers_400_and_stores_nothing(byte[] body)
    {
        var stored = await fixture.CountStoredEventDocumentsAsync();

        using var response = await client.PostAsync("todos", new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(stored, await fixture.CountStoredEventDocumentsAsync());
    }

    [Theory]
    [InlineData("""{"title":"\uD800"}""")]
    [InlineData("""{"title":"x\uDC00y"}""")]
    [InlineData("""{"\uD800":true,"title":"x"}""")]
    public async Task Post_with_a_lone_surrogate_in_a_title_or_a_property_name_answers_400_and_stores_nothing(string body)
    {
        var stored = await fixture.CountStoredEventDocumentsAsync();

        using var response = await client.PostAsync("todos", Json(body));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(stored, await fixture.CountStoredEventDocumentsAsync());
    }

    [Fact]
    public async Task A_title_of_1000_characters_is_accepted_and_one_more_is_refused()
    {
        using var longest = await client.PostAsync("todos", Json($$"""{"title":"{{new string('a', 1000)}}"}"""));
        using var tooLong = await client.PostAsync("todos", Json($$"""{"title":"{{new string('a', 1001)}}"}"""));

        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
        await tooLong.AssertValidationProblemAsync("title");
    }

    [Theory]
    [InlineData("""{"completed":"no"}""", new[] { "completed" })]
    [InlineData("""{"title":null}""", new[] { "title" })]
    [InlineData("""{"title":"\t"}""", new[] { "title" })]
    [InlineData("""{"order":-0.5,"done":true}""", new[] { "order", "done" })]
    public async Task Patch_with_invalid_fields_answers_400_naming_each_one_and_appends_nothing(string body, string[] fields)
    {
        var todo = await client.CreateTodoAsync("""{"title":"untouched"}""");

        using var response = await client.PatchAsync(todo.Url(), Json(body));

        await response.AssertValidationProblemAsync(fields);
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"title":""")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"walk the dog\"")]
    [InlineData("null")]
    public async Task A_body_that_is_not_a_json_object_answers_400_and_stores_nothing(string body)
    {
        var stored = await fixture.CountStoredEventDocumentsAsync();

        using var response = await client.PostAsync("todos", Json(body));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(stored, await fixture.CountStoredEventDocumentsAsync());
    }

    [Fact]
    public async Task The_read_only_id_and_url_in_a_body_are_ignored()
    {
        var given = Guid.NewGuid();

        var todo = await client.CreateTodoAsync($$"""{"id":"{{given}}","url":"http://elsewhere/x","title":"mine"}""");
        using var patched = await client.PatchAsync(todo.Url(), Json(todo.GetRawText()));

        Assert.NotEqual(given.ToString(), todo.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
    }

    [Fact]
    public async Task A_body_without_content_type_is_read_as_json()
    {
        using var response = await client.PostAsync("todos", Body("""{"title":"no content type"}""", contentType: null));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/json; charset=utf-8")]
    public async Task Json_media_types_are_accepted(string contentType)
    {
        var todo = await client.CreateTodoAsync("""{"title":"typed"}""");

        using var response = await client.PatchAsync(todo.Url(), Body("""{"completed":true}""", contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_of_a_body_declared_as_text_answers_415_and_stores_nothing()
    {
        var stored = await fixture.CountStoredEventDocumentsAsync();

        using var response = await client.PostAsync("todos", Body("""{"title":"plain"}""", "text/plain"));

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(stored, await fixture.CountStoredEventDocumentsAsync());
    }

    [Fact]
    public async Task Patch_of_a_body_declared_as_xml_answers_415_and_appends_nothing()
    {
        var todo = await client.CreateTodoAsync("""{"title":"untouched"}""");

        using var response = await client.PatchAsync(todo.Url(), Body("<todo completed=\"true\"/>", "application/xml"));

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Single(await client.ListEventsAsync(todo.Url()));
    }

    [Fact]
    public async Task A_body_over_64_KiB_answers_413_and_stores_nothing()
    {
        var todo = await client.CreateTodoAsync("""{"title":"untouched"}""");
        var stored = await fixture.CountStoredEventDocumentsAsync();
        var oversized = $$"""{"title":"{{new string('a', MaxBodyBytes)}}"}""";

        using var posted = await client.PostAsync("todos", Json(oversized));
        using var patched = await client.PatchAsync(todo.Url(), Json(oversized));

        await posted.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await patched.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(stored, await fixture.CountStoredEventDocumentsAsync());
    }

    [Fact]
    public async Task A_body_over_64_KiB_sent_without_a_length_answers_413()
    {
        var oversized = Json($$"""{"title":"{{new string('a', MaxBodyBytes)}}"}""");
        oversized.Headers.ContentLength = null;
        var chunked = new HttpRequestMessage(HttpMethod.Post, "todos") { Content = oversized };
        chunked.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(chunked);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task A_todo_that_never_existed_answers_404(string method)
    {
        using var response = await client.SendAsync(new HttpMethod(method), $"todos/{Guid.NewGuid()}", PatchBodyFor(method));

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET", "todos/not-a-uuid")]
    [InlineData("PATCH", "todos/not-a-uuid")]
    [InlineData("DELETE", "todos/42")]
    [InlineData("GET", "todos/not-a-uuid/events")]
    public async Task An_id_that_is_not_a_uuid_answers_404(string method, string path)
    {
        using var response = await client.SendAsync(new HttpMethod(method), path, PatchBodyFor(method));

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_deleted_todo_answers_404_to_get_patch_and_delete_and_appends_nothing_more()
    {
        var todo = await client.CreateTodoAsync("""{"title":"gone"}""");
        await client.DeleteAsync(todo.Url());

        using var fetched = await client.GetAsync(todo.Url());
        using var patched = await client.PatchAsync(todo.Url(), Json("""{"completed":true}"""));
        using var deletedAgain = await client.DeleteAsync(todo.Url());

        await fetched.AssertProblemAsync(HttpStatusCode.NotFound);
        await patched.AssertProblemAsync(HttpStatusCode.NotFound);
        await deletedAgain.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(2, (await client.ListEventsAsync(todo.Url())).Length);
    }

    [Theory]
    [InlineData("PUT", "todos", "GET, HEAD, POST, DELETE, OPTIONS")]
    [InlineData("PATCH", "todos", "GET, HEAD, POST, DELETE, OPTIONS")]
    [InlineData("POST", "todos/3f0c5a4e-0000-4000-8000-000000000001", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS")]
    [InlineData("POST", "todos/3f0c5a4e-0000-4000-8000-000000000001/events", "GET, HEAD, OPTIONS")]
    [InlineData("DELETE", "todos/3f0c5a4e-0000-4000-8000-000000000001/events", "GET, HEAD, OPTIONS")]
    public async Task An_unsupported_method_answers_405_with_the_allowed_ones(string method, string path, string allowed)
    {
        using var response = await client.SendAsync(new HttpMethod(method), path, Json("""{"title":"x"}"""));

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal(allowed, string.Join(", ", response.Content.Headers.Allow));
    }

    private static StringContent? PatchBodyFor(string method) => method == "PATCH" ? Json("""{"completed":true}""") : null;
}
