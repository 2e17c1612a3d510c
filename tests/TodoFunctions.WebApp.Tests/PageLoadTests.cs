using System.Diagnostics;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace TodoFunctions.WebApp.Tests;

/// <summary>The issue's figure "page load time of the web app against the local host", printed, never asserted.</summary>
[Collection(WebAppCollection.Name)]
public sealed class PageLoadTests(WebAppFixture fixture, ITestOutputHelper output) : TimedSpecification(fixture, output)
{
    private const int Loads = 5;

    [Fact]
    public async Task The_page_loads_and_shows_the_list_the_api_holds()
    {
        for (var i = 0; i < 10; i++) await Fixture.Api.CreateAsync($"todo {i}");
        var context = await Fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        for (var load = 1; load <= Loads; load++)
        {
            var watch = Stopwatch.StartNew();
            await page.GotoAsync(Fixture.AppAddress.ToString());
            await page.Locator("body[data-ready=true]").WaitForAsync();
            watch.Stop();
            await Expect(TodoControlsTests.Items(page)).ToHaveCountAsync(10);
            var timing = JsonDocument.Parse(await page.EvaluateAsync<string>(
                "JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())")).RootElement;
            Output.WriteLine($"load {load}: list shown after {watch.Elapsed.TotalMilliseconds:F0} ms (10 todos); " +
                $"DOMContentLoaded {timing.GetProperty("domContentLoadedEventEnd").GetDouble():F0} ms, load event {timing.GetProperty("loadEventEnd").GetDouble():F0} ms");
        }
        await context.DisposeAsync();
    }
}
