using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TodoFunctions.WebApp.Tests;

/// <summary>A click costs the list, not one GET per todo: the page keeps the ETags it has seen with each representation.</summary>
[Collection(WebAppCollection.Name)]
public sealed partial class ReadsPerClickTests(WebAppFixture fixture, ITestOutputHelper output) : TimedSpecification(fixture, output)
{
    private const int Todos = 8;

    [Fact]
    public async Task Completing_one_of_many_todos_reads_no_other_todo_one_by_one()
    {
        for (var i = 1; i <= Todos; i++) await Fixture.Api.CreateAsync($"todo {i}");
        var page = await Fixture.OpenAppAsync();
        var requests = new ConcurrentQueue<(string Method, string Url)>();
        page.Request += (_, request) => requests.Enqueue((request.Method, request.Url));

        await page.GetByLabel("Complete todo 3").CheckAsync();
        await Expect(page.Locator(".todo-list li.completed")).ToHaveCountAsync(1);

        var singleReads = requests.Where(request => request.Method == "GET" && SingleTodo().IsMatch(request.Url)).ToList();
        Output.WriteLine($"{requests.Count} requests after one click among {Todos} todos: "
                         + string.Join(", ", requests.GroupBy(request => request.Method).Select(group => $"{group.Count()} {group.Key}")));
        Assert.Empty(singleReads);
        Assert.Single(requests, request => request.Method == "PATCH");

        await page.GetByLabel("Complete todo 5").CheckAsync();
        await Expect(page.Locator(".todo-list li.completed")).ToHaveCountAsync(2);
        Assert.Equal(["todo 3", "todo 5"], (await Fixture.Api.TodosAsync()).Where(todo => todo.Completed).Select(todo => todo.Title).Order());
    }

    /// <summary>The URL of one todo: <c>…/api/todos/{id}</c>, nothing after it.</summary>
    [GeneratedRegex(@"/api/todos/[0-9a-f-]{36}$")]
    private static partial Regex SingleTodo();
}
