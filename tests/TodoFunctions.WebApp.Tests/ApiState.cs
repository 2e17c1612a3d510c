using System.Net.Http.Json;
using System.Text.Json;

namespace TodoFunctions.WebApp.Tests;

/// <summary>What the API holds, read over HTTP beside the page, so a specification checks the server and not only the screen.</summary>
public static class ApiState
{
    public sealed record Todo(string Id, string Title, bool Completed);

    public static async Task<IReadOnlyList<Todo>> TodosAsync(this HttpClient api) =>
        [.. (await api.GetFromJsonAsync<JsonElement>("todos")).EnumerateArray().Select(Read)];

    public static async Task<IReadOnlyList<Todo>> TrashAsync(this HttpClient api) =>
        [.. (await api.GetFromJsonAsync<JsonElement>("todos/trash")).EnumerateArray().Select(Read)];

    public static async Task<Todo> CreateAsync(this HttpClient api, string title)
    {
        using var response = await api.PostAsJsonAsync("todos", new { title });
        response.EnsureSuccessStatusCode();
        return Read(await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public static async Task PatchAsync(this HttpClient api, string id, object change)
    {
        using var response = await api.PatchAsJsonAsync($"todos/{id}", change);
        response.EnsureSuccessStatusCode();
    }

    private static Todo Read(JsonElement todo) =>
        new(todo.GetProperty("id").GetString()!, todo.GetProperty("title").GetString()!, todo.GetProperty("completed").GetBoolean());
}
