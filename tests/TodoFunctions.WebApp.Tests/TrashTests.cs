using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static TodoFunctions.WebApp.Tests.TodoControlsTests;

namespace TodoFunctions.WebApp.Tests;

/// <summary>The trash view: what was deleted, restored to the list or purged for good.</summary>
[Collection(WebAppCollection.Name)]
public sealed class TrashTests(WebAppFixture fixture, ITestOutputHelper output) : TimedSpecification(fixture, output)
{
    [Fact]
    public async Task A_deleted_todo_is_in_the_trash_and_restore_brings_it_back_to_the_list()
    {
        var title = $"restore me {Guid.NewGuid():N}";
        await Fixture.Api.CreateAsync(title);
        var page = await Fixture.OpenAppAsync();

        await page.GetByLabel($"Delete {title}").ClickAsync();
        await Expect(Items(page)).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Trash" }).ClickAsync();
        await page.GetByLabel($"Restore {title}").ClickAsync();

        await Expect(page.GetByLabel($"Restore {title}")).ToHaveCountAsync(0);
        Assert.Equal([title], (await Fixture.Api.TodosAsync()).Select(todo => todo.Title));
        Assert.DoesNotContain(await Fixture.Api.TrashAsync(), todo => todo.Title == title);
        await page.GetByRole(AriaRole.Link, new() { Name = "All" }).ClickAsync();
        await Expect(Items(page)).ToHaveTextAsync([title]);
    }

    [Fact]
    public async Task Purge_removes_a_todo_from_the_trash_for_good()
    {
        var title = $"purge me {Guid.NewGuid():N}";
        await Fixture.Api.CreateAsync(title);
        var page = await Fixture.OpenAppAsync();

        await page.GetByLabel($"Delete {title}").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Trash" }).ClickAsync();
        await page.GetByLabel($"Purge {title}").ClickAsync();

        await Expect(page.GetByLabel($"Purge {title}")).ToHaveCountAsync(0);
        Assert.DoesNotContain(await Fixture.Api.TrashAsync(), todo => todo.Title == title);
        Assert.Empty(await Fixture.Api.TodosAsync());
    }
}
