using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TodoFunctions.WebApp.Tests;

/// <summary>The live statistics strip: /api/stats polled with If-None-Match, so an unchanged list costs a 304.</summary>
[Collection(WebAppCollection.Name)]
public sealed class StatisticsStripTests(WebAppFixture fixture, ITestOutputHelper output) : TimedSpecification(fixture, output)
{
    [Fact]
    public async Task The_strip_shows_the_apis_counts_revalidates_with_if_none_match_and_follows_a_change_made_elsewhere()
    {
        await Fixture.Api.CreateAsync("counted");
        var page = await Fixture.OpenAppAsync();
        var strip = page.GetByLabel("Statistics");
        await Expect(strip).ToContainTextAsync("Active 1 ·");
        Assert.Equal(1, await ActiveAsync());

        var revalidated = await page.WaitForResponseAsync(response => response.Url.EndsWith("/api/stats") && response.Status == 304);
        Assert.NotNull(await revalidated.Request.HeaderValueAsync("if-none-match"));

        await Fixture.Api.CreateAsync("made elsewhere");
        await Expect(strip).ToContainTextAsync("Active 2 ·");
        Assert.Equal(2, await ActiveAsync());
    }

    private async Task<long> ActiveAsync()
    {
        using var stats = System.Text.Json.JsonDocument.Parse(await Fixture.Api.GetStringAsync("stats"));
        return stats.RootElement.GetProperty("active").GetInt64();
    }
}
