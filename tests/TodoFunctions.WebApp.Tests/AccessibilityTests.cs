using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static TodoFunctions.WebApp.Tests.TodoControlsTests;

namespace TodoFunctions.WebApp.Tests;

/// <summary>axe-core over the page in each of its states: no serious or critical violation.</summary>
[Collection(WebAppCollection.Name)]
public sealed class AccessibilityTests(WebAppFixture fixture, ITestOutputHelper output) : TimedSpecification(fixture, output)
{
    [Fact]
    public async Task The_list_the_timeline_the_trash_and_the_conflict_message_have_no_serious_accessibility_violations()
    {
        var done = await Fixture.Api.CreateAsync("done");
        await Fixture.Api.PatchAsync(done.Id, new { completed = true });
        var open = await Fixture.Api.CreateAsync("open");
        await Fixture.Api.CreateAsync("deleted");
        var page = await Fixture.OpenAppAsync();
        await page.GetByLabel("Delete deleted").ClickAsync();
        await Expect(Items(page)).ToHaveCountAsync(2);
        await AssertNoSeriousViolationsAsync(page, "list");

        await page.GetByLabel("Timeline of open").ClickAsync();
        await Expect(page.Locator("output#scrubbed")).ToContainTextAsync("v1");
        await AssertNoSeriousViolationsAsync(page, "timeline");

        await Fixture.Api.PatchAsync(open.Id, new { title = "changed elsewhere" });
        await page.GetByLabel("Complete open").CheckAsync();
        await Expect(page.GetByRole(AriaRole.Alertdialog)).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "conflict");

        await page.GetByRole(AriaRole.Link, new() { Name = "Trash" }).ClickAsync();
        await Expect(page.GetByLabel("Restore deleted").First).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "trash");
    }

    private async Task AssertNoSeriousViolationsAsync(IPage page, string state)
    {
        var results = await page.RunAxe();
        foreach (var violation in results.Violations)
            Output.WriteLine($"{state}: {violation.Impact} {violation.Id}: {violation.Help} ({violation.Nodes.Length} nodes)");
        Output.WriteLine($"{state}: {results.Violations.Length} violations, {results.Passes.Length} rules passed");
        Assert.Empty(results.Violations.Where(violation => violation.Impact is "serious" or "critical").Select(violation => violation.Id));
    }
}
