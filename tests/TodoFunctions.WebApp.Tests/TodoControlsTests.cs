using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TodoFunctions.WebApp.Tests;

/// <summary>Every TodoMVC control of the page, checked on the page and in the API behind it.</summary>
[Collection(WebAppCollection.Name)]
public sealed class TodoControlsTests(WebAppFixture fixture, ITestOutputHelper output) : TimedSpecification(fixture, output)
{
    [Fact]
    public async Task Typing_a_title_and_enter_adds_the_todo_to_the_page_and_the_api()
    {
        var page = await Fixture.OpenAppAsync();

        await AddAsync(page, "walk the dog");

        await Expect(Items(page)).ToHaveTextAsync(["walk the dog"]);
        await Expect(page.Locator("#todo-count")).ToHaveTextAsync("1 item left");
        Assert.Equal(["walk the dog"], (await Fixture.Api.TodosAsync()).Select(todo => todo.Title));
    }

    [Fact]
    public async Task Double_click_edits_the_title_enter_saves_it_and_escape_abandons_it()
    {
        await Fixture.Api.CreateAsync("draft");
        var page = await Fixture.OpenAppAsync();

        await Items(page).GetByText("draft").DblClickAsync();
        await page.GetByLabel("Edit draft").FillAsync("final");
        await page.GetByLabel("Edit draft").PressAsync("Enter");
        await Expect(Items(page)).ToHaveTextAsync(["final"]);

        await Items(page).GetByText("final").DblClickAsync();
        await page.GetByLabel("Edit final").FillAsync("abandoned");
        await page.GetByLabel("Edit final").PressAsync("Escape");

        await Expect(Items(page)).ToHaveTextAsync(["final"]);
        Assert.Equal(["final"], (await Fixture.Api.TodosAsync()).Select(todo => todo.Title));
    }

    [Fact]
    public async Task The_checkbox_completes_and_uncompletes_a_todo()
    {
        await Fixture.Api.CreateAsync("water the plants");
        var page = await Fixture.OpenAppAsync();

        await page.GetByLabel("Complete water the plants").CheckAsync();
        await Expect(page.Locator(".todo-list li.completed")).ToHaveCountAsync(1);
        Assert.True((await Fixture.Api.TodosAsync()).Single().Completed);

        await page.GetByLabel("Complete water the plants").UncheckAsync();
        await Expect(page.Locator(".todo-list li.completed")).ToHaveCountAsync(0);
        Assert.False((await Fixture.Api.TodosAsync()).Single().Completed);
    }

    [Fact]
    public async Task The_filters_show_all_active_or_completed_todos()
    {
        var done = await Fixture.Api.CreateAsync("done already");
        await Fixture.Api.PatchAsync(done.Id, new { completed = true });
        await Fixture.Api.CreateAsync("still to do");
        var page = await Fixture.OpenAppAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Active" }).ClickAsync();
        await Expect(Items(page)).ToHaveTextAsync(["still to do"]);
        await page.GetByRole(AriaRole.Link, new() { Name = "Completed" }).ClickAsync();
        await Expect(Items(page)).ToHaveTextAsync(["done already"]);
        await page.GetByRole(AriaRole.Link, new() { Name = "All" }).ClickAsync();
        await Expect(Items(page)).ToHaveTextAsync(["done already", "still to do"]);
    }

    [Fact]
    public async Task Mark_all_completes_every_todo_and_a_second_click_uncompletes_them()
    {
        await Fixture.Api.CreateAsync("one");
        await Fixture.Api.CreateAsync("two");
        var page = await Fixture.OpenAppAsync();

        await page.GetByLabel("Mark all as complete").CheckAsync();
        await Expect(page.Locator(".todo-list li.completed")).ToHaveCountAsync(2);
        Assert.All(await Fixture.Api.TodosAsync(), todo => Assert.True(todo.Completed));

        await page.GetByLabel("Mark all as complete").UncheckAsync();
        await Expect(page.Locator(".todo-list li.completed")).ToHaveCountAsync(0);
        Assert.All(await Fixture.Api.TodosAsync(), todo => Assert.False(todo.Completed));
    }

    [Fact]
    public async Task The_delete_button_removes_the_todo()
    {
        await Fixture.Api.CreateAsync("keep");
        await Fixture.Api.CreateAsync("drop");
        var page = await Fixture.OpenAppAsync();

        await page.GetByText("drop").HoverAsync();
        await page.GetByLabel("Delete drop").ClickAsync();

        await Expect(Items(page)).ToHaveTextAsync(["keep"]);
        Assert.Equal(["keep"], (await Fixture.Api.TodosAsync()).Select(todo => todo.Title));
    }

    [Fact]
    public async Task Clear_completed_deletes_only_the_completed_todos()
    {
        var done = await Fixture.Api.CreateAsync("finished");
        await Fixture.Api.PatchAsync(done.Id, new { completed = true });
        await Fixture.Api.CreateAsync("open");
        var page = await Fixture.OpenAppAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear completed" }).ClickAsync();

        await Expect(Items(page)).ToHaveTextAsync(["open"]);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Clear completed" })).ToBeHiddenAsync();
        Assert.Equal(["open"], (await Fixture.Api.TodosAsync()).Select(todo => todo.Title));
    }

    internal static ILocator Items(IPage page) => page.Locator(".todo-list li .view label");

    internal static async Task AddAsync(IPage page, string title)
    {
        await page.GetByPlaceholder("What needs to be done?").FillAsync(title);
        await page.GetByPlaceholder("What needs to be done?").PressAsync("Enter");
    }
}
