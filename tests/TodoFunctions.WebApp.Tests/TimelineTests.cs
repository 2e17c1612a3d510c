using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static TodoFunctions.WebApp.Tests.TodoControlsTests;

namespace TodoFunctions.WebApp.Tests;

/// <summary>A todo's timeline panel: its events, the read-model lag of the page's last write, and the version scrubber.</summary>
[Collection(WebAppCollection.Name)]
public sealed class TimelineTests(WebAppFixture fixture, ITestOutputHelper output) : TimedSpecification(fixture, output)
{
    [Fact]
    public async Task The_timeline_lists_the_todos_events_in_order_with_the_lag_of_the_pages_last_write()
    {
        var page = await Fixture.OpenAppAsync();
        await AddAsync(page, "first title");
        await Items(page).GetByText("first title").DblClickAsync();
        await page.GetByLabel("Edit first title").FillAsync("second title");
        await page.GetByLabel("Edit first title").PressAsync("Enter");
        await page.GetByLabel("Complete second title").CheckAsync();

        await page.GetByLabel("Timeline of second title").ClickAsync();

        var events = page.GetByRole(AriaRole.List, new() { Name = "Events" }).Locator("> li > strong");
        await Expect(events).ToHaveTextAsync(["v1 TodoCreated", "v2 TodoTitleUpdated", "v3 TodoCompleted"]);
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Events" })).ToContainTextAsync("{\"title\":\"second title\"}");
        await Expect(page.Locator("#lag")).ToContainTextAsync("Read-model lag of the last write: at most");
        Output.WriteLine($"shown: {await page.Locator("#lag").TextContentAsync()}");
    }

    [Fact]
    public async Task The_scrubber_shows_the_todo_as_it_was_at_each_version()
    {
        var todo = await Fixture.Api.CreateAsync("as created");
        await Fixture.Api.PatchAsync(todo.Id, new { title = "renamed" });
        await Fixture.Api.PatchAsync(todo.Id, new { completed = true });
        var page = await Fixture.OpenAppAsync();

        await page.GetByLabel("Timeline of renamed").ClickAsync();
        var scrubbed = page.Locator("output#scrubbed");
        await Expect(scrubbed).ToContainTextAsync("v3");
        await Expect(scrubbed).ToContainTextAsync("“renamed”, completed");

        await page.GetByLabel("Version").FillAsync("1");
        await Expect(scrubbed).ToContainTextAsync("v1");
        await Expect(scrubbed).ToContainTextAsync("“as created”, active");

        await page.GetByLabel("Version").FillAsync("2");
        await Expect(scrubbed).ToContainTextAsync("“renamed”, active");
        Assert.Equal("renamed", (await Fixture.Api.TodosAsync()).Single().Title);
    }
}
