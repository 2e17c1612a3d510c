using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos;

/// <summary>
/// One todo's contribution to <c>/api/stats</c>, kept beside its todo view in the read containers under the id
/// <c>{todoId}:stats</c>: a pure function of the todo's stream folded to <see cref="Version"/>, so however often and
/// in whatever order its events are delivered, the document ends the same and the sum over all of them is exact.
/// It holds no title (nothing here for a purge to mask) and no order; it keeps only what the statistics and the
/// fold need. It has no <c>listPosition</c>, so the list never shows it, and its id is not a todo id, so no todo
/// read finds it.
/// </summary>
internal sealed record TodoStatisticsDocument(
    string Id, string Kind, string State, bool Completed, long Version, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt,
    DateTimeOffset? DeletedAt, double? SecondsToComplete, int ReadModelVersion, ParkedMarker? Parked)
    : IProjectedTodoDocument<TodoStatisticsDocument>
{
    /// <summary>Tells these documents apart from the todo views they share the read containers with.</summary>
    public const string DocumentKind = "todoStatistics";

    public const string Active = "active";
    public const string CompletedState = "completed";
    public const string Trashed = "trashed";
    public const string Purged = "purged";

    /// <summary>A todo parked at its first event: nothing to count yet.</summary>
    public const string Unwritten = "unwritten";

    public static string DocumentId(Guid todoId) => $"{todoId}:stats";

    public static TodoStatisticsDocument From(TodoStream stream, int readModelVersion, ParkedMarker? parked)
    {
        var id = DocumentId(stream.TodoId);
        if (stream.State is not { } state)
            return new(id, DocumentKind, Unwritten, false, 0, default, null, null, null, readModelVersion, parked);
        var completedAt = stream.CompletedAt?.ToUniversalTime();
        var stateName = state.IsPurged ? Purged : state.IsDeleted ? Trashed : state.Completed ? CompletedState : Active;
        return new(id, DocumentKind, stateName, state.Completed, stream.Version, stream.CreatedAt.ToUniversalTime(), completedAt,
            stream.DeletedAt?.ToUniversalTime(), completedAt is { } at ? (at - stream.CreatedAt).TotalSeconds : null, readModelVersion, parked);
    }

    public static Task<(TodoStatisticsDocument Document, string ETag)?> ReadAsync(Container container, Guid todoId, CancellationToken cancellationToken)
    {
        var id = DocumentId(todoId);
        return container.ReadOptionalAsync<TodoStatisticsDocument>(id, new PartitionKey(id), cancellationToken);
    }

    /// <summary>
    /// The stream back, to fold further events onto. The title is the purged placeholder because no statistic reads
    /// it and keeping it would be one more copy for a purge to mask; a later title change sets it, harmlessly.
    /// </summary>
    public TodoStream ToStream(string etag) => Version == 0
        ? TodoStream.Unwritten(TodoIdOf(Id)) with { ETag = etag }
        : new(TodoIdOf(Id), new Todo(Todo.PurgedTitle, Completed, Order: null, IsDeleted: State is Trashed or Purged, IsPurged: State == Purged),
            Version, CreatedAt, etag) { CompletedAt = CompletedAt, DeletedAt = DeletedAt };

    public static Guid TodoIdOf(string documentId) => Guid.Parse(documentId.AsSpan(0, documentId.IndexOf(':')));
}

/// <summary>Writes the statistics documents with the same fold, park and version gate as the todo view.</summary>
internal sealed class TodoStatisticsWriter(EventStore store, TodoEventCodec codec, IOptions<TodoStoreOptions> options, TimeProvider clock, TransientRetry retry)
    : TodoDocumentWriter<TodoStatisticsDocument>(ProjectionNames.Statistics, store, codec, options, clock, retry);
