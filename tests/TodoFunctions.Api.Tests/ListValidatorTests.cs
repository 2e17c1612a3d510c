using System.Net;
using System.Net.Http.Headers;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>The list's weak validator: an unchanged list answers 304 to If-None-Match; any write to the list changes it.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class ListValidatorTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task An_unchanged_list_answers_304_with_its_weak_etag_and_no_body()
    {
        var created = await client.CreateTodoAsync("""{"title":"polled"}""");
        await fixture.WaitForProjectionsAsync();
        var etag = await ListETagAsync();

        using var response = await GetIfNoneMatchAsync("todos", etag);

        Assert.True(EntityTagHeaderValue.Parse(etag).IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(etag, response.Headers.ETag?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("*")]
    [InlineData("\"other\", {0}")]
    [InlineData("{1}")] // the same opaque tag sent as strong: If-None-Match compares weakly
    public async Task If_none_match_lists_star_and_the_strong_form_of_the_tag_all_match(string header)
    {
        // Commands answer before the projections are done writing (which moves the list's tag): let them settle first.
        await client.CreateTodoAsync("""{"title":"settled"}""");
        await fixture.WaitForProjectionsAsync();
        var etag = await ListETagAsync();

        using var response = await GetIfNoneMatchAsync("todos", string.Format(header, etag, etag[2..]));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task A_tag_the_list_never_had_answers_200_with_the_list()
    {
        using var response = await GetIfNoneMatchAsync("todos", "W/\"0000\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task Pages_carry_the_list_etag_and_answer_304_to_it()
    {
        var created = await client.CreateTodoAsync("""{"title":"paged"}""");
        await fixture.WaitForProjectionsAsync();
        var etag = await ListETagAsync();

        var page = await client.GetPageAsync("todos?limit=1");
        using var conditional = await GetIfNoneMatchAsync("todos?limit=1", etag);

        Assert.Equal(etag, page.ETag);
        Assert.Equal(HttpStatusCode.NotModified, conditional.StatusCode);
    }

    [Fact]
    public async Task A_create_answered_then_a_conditional_list_read_with_the_old_tag_is_200_and_shows_it()
    {
        var before = await ListETagAsync();
        var created = await client.CreateTodoAsync("""{"title":"read your write"}""");

        using var response = await GetIfNoneMatchAsync("todos", before);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(before, response.Headers.ETag?.ToString());
        Assert.Contains((await response.ReadJsonAsync()).EnumerateArray(), todo => todo.Url() == created.Url());
    }

    [Fact]
    public async Task A_patch_and_a_delete_each_change_the_list_etag()
    {
        var todo = await client.CreateTodoAsync("""{"title":"to change"}""");
        var created = await ListETagAsync();

        using var patched = await client.PatchAsync(todo.Url(), Json("""{"completed":true}"""));
        var afterPatch = await ListETagAsync();
        using var deleted = await client.DeleteAsync(todo.Url());
        using var afterDelete = await GetIfNoneMatchAsync("todos", afterPatch);

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.NotEqual(created, afterPatch);
        Assert.Equal(HttpStatusCode.OK, afterDelete.StatusCode);
        Assert.NotEqual(afterPatch, afterDelete.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task A_304_runs_no_list_query_while_a_200_needs_one()
    {
        await client.CreateTodoAsync("""{"title":"settled"}""");
        await fixture.WaitForProjectionsAsync();
        var etag = await ListETagAsync();

        var (notModified, full) = await WithReadContainerFailingAsync(FaultOperation.Query, async () =>
            (await GetIfNoneMatchAsync("todos", etag), await client.GetAsync("todos")));

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        await full.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task When_the_read_containers_change_feed_is_unavailable_the_list_answers_503_with_retry_after()
    {
        var (response, _) = await WithReadContainerFailingAsync(FaultOperation.ChangeFeed, async () =>
            (await client.GetAsync("todos?limit=5"), (HttpResponseMessage?)null));

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    private async Task<T> WithReadContainerFailingAsync<T>(FaultOperation operation, Func<Task<T>> send)
    {
        var faults = fixture.Emulator!.Faults;
        faults.Install(new FaultPlan
        {
            Seed = 10,
            Rules = [new FaultRule { Operations = [operation], Container = "todo-view", Outcome = FaultOutcome.ServiceUnavailable }],
        });
        try
        {
            return await send();
        }
        finally
        {
            faults.Clear();
        }
    }

    private async Task<string> ListETagAsync()
    {
        using var response = await client.GetAsync("todos");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.ToString();
    }

    private Task<HttpResponseMessage> GetIfNoneMatchAsync(string url, string ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return client.SendAsync(request);
    }
}
