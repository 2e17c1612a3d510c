using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static TodoFunctions.WebApp.Tests.TodoControlsTests;

namespace TodoFunctions.WebApp.Tests;

/// <summary>
/// The page opened on another Todo-Backend server's root, as the Todo-Backend client is: it works with the plain API
/// and hides what that server answers 404 to (trash, timeline, statistics).
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class OtherTodoBackendTests(WebAppFixture fixture, ITestOutputHelper output) : TimedSpecification(fixture, output)
{
    [Fact]
    public async Task On_a_plain_todo_backend_the_page_adds_and_completes_and_hides_trash_timeline_and_statistics()
    {
        await using var other = await PlainTodoBackend.StartAsync();
        var page = await Fixture.OpenAppAsync(other.Root);

        await AddAsync(page, "elsewhere");
        await page.GetByLabel("Complete elsewhere").CheckAsync();

        await Expect(page.Locator(".todo-list li.completed")).ToHaveCountAsync(1);
        Assert.True(other.Todos.Values.Single()["completed"]!.GetValue<bool>());
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Trash" })).ToBeHiddenAsync();
        await Expect(page.GetByLabel("Timeline of elsewhere")).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Statistics")).ToBeHiddenAsync();
        Assert.Empty(await Fixture.Api.TodosAsync());
    }

    /// <summary>The Todo-Backend contract and nothing more: no ETags, no trash, no events, no statistics; CORS open.</summary>
    private sealed class PlainTodoBackend(WebApplication app) : IAsyncDisposable
    {
        public ConcurrentDictionary<string, JsonObject> Todos { get; } = new();

        public string Root => $"{app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()}/todos";

        public static async Task<PlainTodoBackend> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddCors();
            var app = builder.Build();
            var server = new PlainTodoBackend(app);
            app.UseCors(cors => cors.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod());
            string Url(HttpRequest request, string id) => $"{request.Scheme}://{request.Host}/todos/{id}";
            app.MapGet("/todos", () => Results.Json(server.Todos.Values));
            app.MapPost("/todos", async (HttpRequest request) =>
            {
                var todo = (await request.ReadFromJsonAsync<JsonObject>())!;
                var id = Guid.NewGuid().ToString();
                todo["id"] = id;
                todo["completed"] ??= false;
                todo["url"] = Url(request, id);
                server.Todos[id] = todo;
                return Results.Json(todo, statusCode: 201);
            });
            app.MapDelete("/todos", () => { server.Todos.Clear(); return Results.NoContent(); });
            app.MapGet("/todos/{id}", (string id) => server.Todos.TryGetValue(id, out var todo) ? Results.Json(todo) : Results.NotFound());
            app.MapMethods("/todos/{id}", ["PATCH"], async (string id, HttpRequest request) =>
            {
                if (!server.Todos.TryGetValue(id, out var todo)) return Results.NotFound();
                foreach (var (name, value) in (await request.ReadFromJsonAsync<JsonObject>())!) todo[name] = value?.DeepClone();
                return Results.Json(todo);
            });
            app.MapDelete("/todos/{id}", (string id) => server.Todos.TryRemove(id, out _) ? Results.NoContent() : Results.NotFound());
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
