using static Microsoft.Playwright.Assertions;
using static TodoFunctions.WebApp.Tests.TodoControlsTests;

namespace TodoFunctions.WebApp.Tests;

/// <summary>Two people editing one todo: the page writes with If-Match, so the second one meets a 412 and chooses.</summary>
[Collection(WebAppCollection.Name)]
public sealed class ConcurrentEditTests(WebAppFixture fixture, ITestOutputHelper output) : TimedSpecification(fixture, output)
{
    [Fact]
    public async Task The_second_browser_to_edit_a_todo_gets_the_conflict_message_and_reload_shows_the_first_ones_change()
    {
        await Fixture.Api.CreateAsync("shared");
        var (first, second) = (await Fixture.OpenAppAsync(), await Fixture.OpenAppAsync());

        await RenameAsync(first, "shared", "first's title");
        await Expect(Items(first)).ToHaveTextAsync(["first's title"]);
        await RenameAsync(second, "shared", "second's title");

        await Expect(second.GetByRole(Microsoft.Playwright.AriaRole.Alertdialog)).ToContainTextAsync("Someone else changed “shared”");
        Assert.Equal("first's title", (await Fixture.Api.TodosAsync()).Single().Title);

        await second.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Reload" }).ClickAsync();
        await Expect(Items(second)).ToHaveTextAsync(["first's title"]);
        await Expect(second.GetByRole(Microsoft.Playwright.AriaRole.Alertdialog)).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Overwrite_after_the_conflict_message_writes_the_second_browsers_change_over_the_first()
    {
        await Fixture.Api.CreateAsync("shared");
        var (first, second) = (await Fixture.OpenAppAsync(), await Fixture.OpenAppAsync());

        await RenameAsync(first, "shared", "first's title");
        await Expect(Items(first)).ToHaveTextAsync(["first's title"]);
        await RenameAsync(second, "shared", "second's title");
        await second.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Overwrite" }).ClickAsync();

        await Expect(Items(second)).ToHaveTextAsync(["second's title"]);
        Assert.Equal("second's title", (await Fixture.Api.TodosAsync()).Single().Title);
    }

    private static async Task RenameAsync(Microsoft.Playwright.IPage page, string from, string to)
    {
        await Items(page).GetByText(from).DblClickAsync();
        await page.GetByLabel($"Edit {from}").FillAsync(to);
        await page.GetByLabel($"Edit {from}").PressAsync("Enter");
    }
}
