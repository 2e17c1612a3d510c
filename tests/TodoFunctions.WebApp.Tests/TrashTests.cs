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
    public async Task A_delete_the_read_model_had_not_shown_when_it_answered_still_reaches_the_trash_view()
    {
        var title = $"late {Guid.NewGuid():N}";
        await Fixture.Api.CreateAsync(title);
        var page = await Fixture.OpenAppAsync();
        // As when the read model lags past the write's bound: the delete answers not caught up, and the trash read
        // right after it does not have the todo yet.
        await page.RouteAsync("**/api/todos/*", async route =>
        {
            if (route.Request.Method != "DELETE")
            {
                await route.FallbackAsync();
                return;
            }
            var answer = await route.FetchAsync();
            var headers = new Dictionary<string, string>(answer.Headers) { ["x-read-model-caught-up"] = "false" };
            await route.FulfillAsync(new() { Response = answer, Headers = headers });
        });
        var staleTrashReads = 1;
        await page.RouteAsync("**/api/todos/trash", async route =>
        {
            if (Interlocked.Decrement(ref staleTrashReads) >= 0)
                await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = "[]" });
            else
                await route.FallbackAsync();
        });

        await page.GetByLabel($"Delete {title}").ClickAsync();
        await Expect(Items(page)).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Trash" }).ClickAsync();

        await Expect(page.GetByLabel($"Restore {title}")).ToBeVisibleAsync();
        Assert.True(staleTrashReads < 0, "the trash was never read stale");
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
