using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Api.Http;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Benchmarks.Crud;

/// <summary>
/// The plain-CRUD baseline of the load benchmark, <c>/api/crud/todos</c>: the simplest honest alternative to the event
/// store, served by the same host pipeline (<see cref="TodoHttp.Respond"/> maps Cosmos DB's unavailability to 503). One
/// container of todo documents: POST creates, GET point-reads, PATCH reads and replaces under If-Match (the client's,
/// else the read's <c>_etag</c>, so a concurrent write is refused, never lost), DELETE deletes, the list is one query.
/// </summary>
public sealed class CrudTodoFunctions(TodoHttp http, CosmosClient client, IOptions<TodoStoreOptions> options)
{
    public const string Todos = TodoRoutes.Prefix + "/crud/todos";
    public const string Todo = Todos + "/{id}";
    public const string ContainerName = "crud-todos";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ItemRequestOptions WithoutContent = new() { EnableContentResponseOnWrite = false };

    private readonly Container todos = client.GetContainer(options.Value.DatabaseName, ContainerName);

    /// <summary>Creates the baseline's container, partitioned by <c>/id</c>, in the database of the host's app, unless it exists.</summary>
    public static async Task CreateContainerAsync(IServiceProvider services)
    {
        var database = services.GetRequiredService<CosmosClient>().GetDatabase(services.GetRequiredService<IOptions<TodoStoreOptions>>().Value.DatabaseName);
        await database.CreateContainerIfNotExistsAsync(ContainerName, "/id");
    }

    [Function("CrudListTodos")]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Todos)] HttpRequest request, CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var limit = request.Query["limit"].ToString();
            if (limit.Length > 0 && !(int.TryParse(limit, out var top) && top is >= 1 and <= 1000)) return Problem(HttpStatusCode.BadRequest, "limit must be a whole number from 1 to 1000.");
            var query = limit.Length > 0
                ? new QueryDefinition("SELECT TOP @limit * FROM c ORDER BY c.createdAt").WithParameter("@limit", int.Parse(limit))
                : new QueryDefinition("SELECT * FROM c ORDER BY c.createdAt");
            var listed = new List<CrudTodoRepresentation>();
            using var pages = todos.GetItemQueryIterator<CrudTodo>(query);
            while (pages.HasMoreResults) listed.AddRange((await pages.ReadNextAsync(cancellationToken)).Select(todo => Representation(request, todo)));
            return Answer(request, HttpStatusCode.OK, listed);
        });

    [Function("CrudCreateTodo")]
    public Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Todos)] HttpRequest request, CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            if (await ReadFieldsAsync(request, cancellationToken) is not { Title: { Length: > 0 } title } fields) return Problem(HttpStatusCode.BadRequest, "A todo needs a title.");
            var todo = new CrudTodo(Guid.NewGuid().ToString(), title, fields.Completed ?? false, fields.Order, DateTimeOffset.UtcNow);
            var created = await todos.CreateItemAsync(todo, new PartitionKey(todo.Id), WithoutContent, cancellationToken);
            var representation = Representation(request, todo);
            request.HttpContext.Response.Headers.Location = representation.Url;
            return Answer(request, HttpStatusCode.Created, representation, created.ETag);
        });

    [Function("CrudGetTodo")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Todo)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        http.Respond(request, async () => await FindAsync(id, cancellationToken) is { } todo
            ? Answer(request, HttpStatusCode.OK, Representation(request, todo), todo.ETag)
            : NotFound());

    [Function("CrudUpdateTodo")]
    public Task<IActionResult> Update([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Todo)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            if (await ReadFieldsAsync(request, cancellationToken) is not { } fields || fields.Title is { Length: 0 }) return Problem(HttpStatusCode.BadRequest, "The body is not a todo's fields.");
            if (await FindAsync(id, cancellationToken) is not { } current) return NotFound();
            var ifMatch = request.Headers.IfMatch.ToString();
            if (ifMatch.Length > 0 && ifMatch != current.ETag) return PreconditionFailed();
            var changed = current with { Title = fields.Title ?? current.Title, Completed = fields.Completed ?? current.Completed, Order = fields.Order ?? current.Order, ETag = null };
            try
            {
                var replaced = await todos.ReplaceItemAsync(
                    changed, id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = current.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
                return Answer(request, HttpStatusCode.OK, Representation(request, changed), replaced.ETag);
            }
            catch (CosmosException refused) when (refused.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                return refused.StatusCode == HttpStatusCode.NotFound ? NotFound() : PreconditionFailed();
            }
        });

    [Function("CrudDeleteTodo")]
    public Task<IActionResult> Delete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Todo)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        http.Respond(request, async () =>
        {
            var ifMatch = request.Headers.IfMatch.ToString();
            try
            {
                await todos.DeleteItemAsync<CrudTodo>(id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = ifMatch.Length > 0 ? ifMatch : null }, cancellationToken);
                return new StatusCodeResult(StatusCodes.Status204NoContent);
            }
            catch (CosmosException refused) when (refused.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                return refused.StatusCode == HttpStatusCode.NotFound ? NotFound() : PreconditionFailed();
            }
        });

    private async Task<CrudTodo?> FindAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return (await todos.ReadItemAsync<CrudTodo>(id, new PartitionKey(id), cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The body's fields, or <c>null</c> when it is not a JSON object of them.</summary>
    private static async Task<CrudTodoFields?> ReadFieldsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<CrudTodoFields>(request.Body, Json, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CrudTodoRepresentation Representation(HttpRequest request, CrudTodo todo) =>
        new(todo.Id, todo.Title, todo.Completed, todo.Order, $"{request.Scheme}://{request.Host}/{Todos}/{todo.Id}");

    private static ContentResult Answer(HttpRequest request, HttpStatusCode status, object body, string? etag = null)
    {
        if (etag is not null) request.HttpContext.Response.Headers.ETag = etag;
        return Content(status, "application/json", body);
    }

    private static ContentResult NotFound() => Problem(HttpStatusCode.NotFound, "No todo with this id exists.");

    private static ContentResult PreconditionFailed() => Problem(HttpStatusCode.PreconditionFailed, "The todo has changed since the version the request names (If-Match) or since it was read.");

    private static ContentResult Problem(HttpStatusCode status, string detail) =>
        Content(status, "application/problem+json", new { type = "about:blank", title = ReasonPhrases.GetReasonPhrase((int)status), status = (int)status, detail });

    private static ContentResult Content(HttpStatusCode status, string contentType, object body) => new()
    {
        StatusCode = (int)status,
        ContentType = $"{contentType}; charset=utf-8",
        Content = JsonSerializer.Serialize(body, Json),
    };
}
