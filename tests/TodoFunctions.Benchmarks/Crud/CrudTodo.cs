using System.Text.Json.Serialization;

namespace TodoFunctions.Benchmarks.Crud;

/// <summary>A todo as the CRUD baseline stores it: the state itself, no history; <c>_etag</c> guards replacements.</summary>
public sealed record CrudTodo(string Id, string Title, bool Completed, int? Order, DateTimeOffset CreatedAt)
{
    [JsonPropertyName("_etag")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ETag { get; init; }
}

/// <summary>The fields a POST or PATCH body may carry; on a PATCH, an absent field keeps its value.</summary>
public sealed record CrudTodoFields(string? Title, bool? Completed, int? Order);

/// <summary>The Todo-Backend representation, the same shape as the event-sourced API's.</summary>
public sealed record CrudTodoRepresentation(string Id, string Title, bool Completed, int? Order, string Url);
