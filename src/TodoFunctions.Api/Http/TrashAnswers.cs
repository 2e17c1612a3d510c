using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Http;

/// <summary>The trash on the wire: each deleted todo as it was, when it was deleted, and what a restore must name.</summary>
internal static class TrashAnswers
{
    public static HttpAnswer List(HttpRequest request, IReadOnlyList<TodoView> todos) =>
        new(StatusCodes.Status200OK, todos.Select(todo => Representation(request, todo)).ToList());

    private static TrashedTodoRepresentation Representation(HttpRequest request, TodoView todo) => new(
        todo.Id, todo.Title, todo.Completed, todo.Order,
        TodoUrls.ForPath(request, TodoRoutes.TodoRestore.Replace("{id}", todo.Id.ToString(), StringComparison.Ordinal)),
        todo.DeletedAt!.Value, todo.Version, EntityTags.For(todo.Version));
}

/// <summary>
/// A todo in the trash: the Todo-Backend fields, <c>url</c> = where to POST its restore, <c>deletedAt</c> (RFC 3339),
/// and its stream <c>version</c>, also as the <c>etag</c> a restore's If-Match names.
/// </summary>
internal sealed record TrashedTodoRepresentation(
    Guid Id, string Title, bool Completed, int? Order, string Url, DateTimeOffset DeletedAt, long Version,
    [property: JsonPropertyName("etag")] string ETag);
