using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>A todo as clients see it; <see cref="Version"/> is its stream version, which HTTP exposes as the ETag.</summary>
public sealed record TodoView(Guid Id, string Title, bool Completed, int? Order, long Version, DateTimeOffset CreatedAt);

/// <summary>The query side: reads only the read-model container, which the projector alone writes.</summary>
public sealed class TodoReadModel(CosmosClient client, IOptions<TodoStoreOptions> options)
{
    private readonly Container container = client.GetContainer(options.Value.DatabaseName, options.Value.ReadModelContainer);

    /// <summary>One point read; <c>null</c> when the todo is unknown or deleted.</summary>
    public async Task<TodoView?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await container.ReadOptionalAsync<TodoViewDocument>(id.ToString(), new PartitionKey(id.ToString()), cancellationToken) is
            { Document: { Deleted: false } document }
            ? document.ToView()
            : null;

    /// <summary>Every live todo: by order ascending, todos without an order last, then by creation time.</summary>
    public async Task<IReadOnlyList<TodoView>> ListAsync(CancellationToken cancellationToken)
    {
        var live = await container.QueryAllAsync<TodoViewDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.deleted = false"), null, cancellationToken);
        return
        [
            .. live.Select(document => document.ToView())
                .OrderBy(todo => todo.Order is null)
                .ThenBy(todo => todo.Order)
                .ThenBy(todo => todo.CreatedAt)
                .ThenBy(todo => todo.Id),
        ];
    }

    /// <summary>The stream version the read model has applied for a todo, deleted or not; 0 when it has none.</summary>
    internal async Task<long> ReadAppliedVersionAsync(Guid id, CancellationToken cancellationToken) =>
        (await container.ReadOptionalAsync<TodoViewDocument>(id.ToString(), new PartitionKey(id.ToString()), cancellationToken))?.Document.Version ?? 0;
}

/// <summary>
/// The stored read-model document. A deleted todo stays as a tombstone carrying its version, so a late or repeated
/// delivery of its older events is recognised as already applied instead of bringing the todo back.
/// </summary>
internal sealed record TodoViewDocument(string Id, string Title, bool Completed, int? Order, bool Deleted, long Version, DateTimeOffset CreatedAt)
{
    public static TodoViewDocument From(TodoStream stream) => stream.State is { } state
        ? new(stream.TodoId.ToString(), state.Title, state.Completed, state.Order, state.IsDeleted, stream.Version, stream.CreatedAt)
        : throw new InvalidOperationException("An unwritten stream has no read-model document.");

    public TodoStream ToStream(string etag) =>
        new(Guid.Parse(Id), new Todo(Title, Completed, Order, Deleted), Version, CreatedAt, etag);

    public TodoView ToView() => new(Guid.Parse(Id), Title, Completed, Order, Version, CreatedAt);
}
