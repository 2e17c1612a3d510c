using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>Records an event that could not be applied; <c>null</c> where another writer of the same event records it.</summary>
internal delegate Task PoisonRecorder(PoisonEvent poison, CancellationToken cancellationToken);

/// <summary>What one todo's read document shows after a projection into one read container.</summary>
internal abstract record ProjectionResult
{
    /// <summary>The document shows the stream up to <see cref="Version"/>.</summary>
    public sealed record Applied(long Version) : ProjectionResult;

    /// <summary>The todo is parked (now or earlier): later events wait for a retry.</summary>
    public sealed record Parked(ParkedMarker Marker) : ProjectionResult;

    /// <summary>A newer build of the read model owns the document: a rebuild took the container over, so this write is void.</summary>
    public sealed record Superseded : ProjectionResult;
}

/// <summary>
/// The document a projection keeps per todo in a read container: a pure function of the todo's stream folded to a
/// version, from which that stream can be had back to fold further events onto.
/// </summary>
internal interface IProjectedTodoDocument<TSelf> where TSelf : IProjectedTodoDocument<TSelf>
{
    string Id { get; }

    int ReadModelVersion { get; }

    ParkedMarker? Parked { get; }

    TodoStream ToStream(string etag);

    static abstract TSelf From(TodoStream stream, int readModelVersion, ParkedMarker? parked);

    /// <summary>The todo's document in a read container with its ETag; <c>null</c> when there is none.</summary>
    static abstract Task<(TSelf Document, string ETag)?> ReadAsync(Container container, Guid todoId, CancellationToken cancellationToken);
}

/// <summary>One projection's per-todo writer, whatever document it keeps: what the projector, a rebuild and a retry drive.</summary>
internal interface ITodoDocumentWriter
{
    /// <summary>The projection's name, as its dead-letter records and parked list show it.</summary>
    string Projection { get; }

    /// <inheritdoc cref="TodoDocumentWriter{TDocument}.ProjectAsync(ReadTarget, Guid, Delivery, PoisonRecorder?, CancellationToken)"/>
    Task<ProjectionResult> ProjectAsync(ReadTarget target, Guid todoId, Delivery delivered, PoisonRecorder? recordPoison, CancellationToken cancellationToken);

    /// <inheritdoc cref="TodoDocumentWriter{TDocument}.ResumeAsync"/>
    Task<ProjectionResult> ResumeAsync(ReadTarget target, Guid todoId, PoisonRecorder? recordPoison, CancellationToken cancellationToken);

    /// <summary>The marker of the todo's document in <paramref name="container"/>; <c>null</c> when it is not parked there.</summary>
    Task<ParkedMarker?> ReadParkedAsync(Container container, Guid todoId, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="parked"/> waits for a newer release's event that this release reads: resuming it needs no fix.</summary>
    bool ReadsAwaitedSchema(ParkedMarker parked);
}

/// <summary>The projections that keep a document per todo in the read containers.</summary>
public static class ProjectionNames
{
    /// <summary>The todo view that the todo and list GETs read.</summary>
    public const string Todos = "todos";

    /// <summary>The per-todo contributions that <c>/api/stats</c> sums.</summary>
    public const string Statistics = "statistics";
}

/// <summary>
/// Projects one todo's events into one read container: the fold the live projector, a rebuild and a retry share,
/// for any document a projection keeps per todo.
/// Idempotent per stream version, and with If-Match so concurrent writers converge. An event that cannot be decoded
/// or applied parks the todo: it is recorded as poison first, and only then marked in the document, so no caller
/// ever returns past an event that is neither applied nor durably parked.
/// </summary>
internal abstract class TodoDocumentWriter<TDocument>(
    string projection, EventStore store, TodoEventCodec codec, IOptions<TodoStoreOptions> options, TimeProvider clock, TransientRetry retry)
    : ITodoDocumentWriter
    where TDocument : class, IProjectedTodoDocument<TDocument>
{
    private readonly int maxApplyAttempts = Math.Max(1, options.Value.MaxApplyAttempts);
    private readonly CreateFirstPolicy createFirst = new(options.Value.ProjectorCreatesWithoutRead);

    public string Projection => projection;

    public async Task<ParkedMarker?> ReadParkedAsync(Container container, Guid todoId, CancellationToken cancellationToken) =>
        (await TDocument.ReadAsync(container, todoId, cancellationToken))?.Document.Parked;

    /// <summary>Applies delivered events; a parked todo holds them (they stay in the log for its retry).</summary>
    public Task<ProjectionResult> ProjectAsync(
        ReadTarget target, Guid todoId, IReadOnlyList<EventDocument> delivered, PoisonRecorder? recordPoison, CancellationToken cancellationToken) =>
        ProjectAsync(target, todoId, Delivery.Of(delivered), recordPoison, cancellationToken);

    /// <summary>Applies a delivery's events, then parks the todo at its unreadable document, if it has one.</summary>
    public Task<ProjectionResult> ProjectAsync(
        ReadTarget target, Guid todoId, Delivery delivered, PoisonRecorder? recordPoison, CancellationToken cancellationToken) =>
        WriteAsync(target, todoId, delivered, recordPoison, cancellationToken);

    /// <summary>
    /// Projects a todo from the event store past its parked marker: the retry after an operator's fix. It retries
    /// transient failures, among them an event store read behind the events the projector held.
    /// </summary>
    public Task<ProjectionResult> ResumeAsync(ReadTarget target, Guid todoId, PoisonRecorder? recordPoison, CancellationToken cancellationToken) =>
        retry.RunAsync(token => WriteAsync(target, todoId, delivered: null, recordPoison, token), cancellationToken);

    private async Task<ProjectionResult> WriteAsync(
        ReadTarget target, Guid todoId, Delivery? delivered, PoisonRecorder? recordPoison, CancellationToken cancellationToken)
    {
        var recorded = false;
        // A delivery from the stream's first event needs nothing stored: its create, which fails where a document exists
        // (a replay, a command's write-through, another build's), is the condition; only then is the document read.
        // Whether it is tried first depends on what such deliveries have lately found, which each learns once.
        var learning = delivered is not null && StartsTheStream(delivered);
        var presumeUnwritten = learning && createFirst.CreatesFirst;
        void Learn(bool absent)
        {
            if (learning) createFirst.Observe(absent);
            learning = false;
        }
        // A write loses only to another writer of the same document (an instance taking over a lease, a rebuild, a
        // retry); re-reading picks up what it wrote.
        while (true)
        {
            var stored = presumeUnwritten ? null : await TDocument.ReadAsync(target.Container, todoId, cancellationToken);
            if (!presumeUnwritten) Learn(absent: stored is null);
            if (stored?.Document.ReadModelVersion > target.ReadModelVersion) return new ProjectionResult.Superseded();
            // A document from an older build of the read model is overwritten as if it were not there.
            var current = stored?.Document.ReadModelVersion == target.ReadModelVersion ? stored.Value.Document : null;
            var projected = current?.ToStream(stored!.Value.ETag) ?? TodoStream.Unwritten(todoId) with { ETag = stored?.ETag };
            // A todo parked at an event of a newer schema resumes by itself once an instance that reads it sees the todo again.
            if (current?.Parked is { } held && delivered is not null && !ReadsAwaitedSchema(held))
            {
                // The change feed moves past the held events once this returns: the marker must say how far they go.
                if (delivered.HighestVersion <= held.HeldThrough) return new ProjectionResult.Parked(held);
                var holding = held with { HeldVersion = delivered.HighestVersion };
                if (await TryWriteAsync(target.Container, TDocument.From(projected, target.ReadModelVersion, holding), projected.ETag, cancellationToken))
                    return new ProjectionResult.Parked(holding);
                continue;
            }

            var (pending, unreadablePending) = await PendingAsync(projected, current?.Parked is null ? delivered : null, cancellationToken);
            var (folded, failure) = Fold(projected, pending);
            if (failure is null && unreadablePending is { } unreadable) failure = Failure.Of(unreadable, folded.Version);
            if (failure is null && current?.Parked is { } retried && folded.Version < retried.HeldThrough)
                throw new StaleEventStoreReadException(todoId, folded.Version, retried.HeldThrough);
            if (failure is null && pending.Count == 0 && current?.Parked is null) return new ProjectionResult.Applied(projected.Version);

            // Parking counts attempts and records poison against a stored marker: with a document there, start over from it.
            if (presumeUnwritten && failure is not null)
            {
                presumeUnwritten = false;
                var found = await TDocument.ReadAsync(target.Container, todoId, cancellationToken) is not null;
                Learn(absent: !found);
                if (found) continue;
            }
            var parked = failure is null ? null : Park(failure, current?.Parked, delivered?.HighestVersion);
            // A newer release's event is not poison: it would only leave its title in the dead letters for good.
            if (parked is { NewerSchemaVersion: null } && recordPoison is not null && !recorded && parked.Version != current?.Parked?.Version)
            {
                await recordPoison(new PoisonEvent(todoId, parked.Version, parked.EventType, failure!.Event, parked.Error, parked.Attempts, parked.ParkedAt, projection), cancellationToken);
                recorded = true;
            }
            bool written;
            try
            {
                written = await TryWriteAsync(target.Container, TDocument.From(folded, target.ReadModelVersion, parked), projected.ETag, cancellationToken);
            }
            // A guess that failed otherwise (a 503 on creates, a timeout) is not retried as such: the document is read.
            catch (CosmosException) when (presumeUnwritten)
            {
                presumeUnwritten = false;
                continue;
            }
            if (presumeUnwritten) Learn(absent: written);
            if (written) return parked is null ? new ProjectionResult.Applied(folded.Version) : new ProjectionResult.Parked(parked);
            presumeUnwritten = false;
        }
    }

    /// <summary>Whether the delivery holds the stream from its first event on, with no gap and nothing unreadable.</summary>
    private static bool StartsTheStream(Delivery delivered)
    {
        var versions = delivered.Events.Select(document => document.Version).Distinct().Order().ToList();
        return delivered.Unreadable is null && versions.Count > 0 && versions[0] == 1 && versions[^1] == versions.Count;
    }

    /// <summary>
    /// The events not applied yet, in stream order: the delivered ones when they follow on, otherwise (a delivery that
    /// skips a version, a feed that starts mid-stream, a retry, a parked todo) read from the event store, so no event is
    /// ever skipped. A parked todo's held events were never delivered with the ones at hand, which may even be all old.
    /// </summary>
    private async Task<(IReadOnlyList<EventDocument> Events, UnreadableEvent? Unreadable)> PendingAsync(
        TodoStream projected, Delivery? delivery, CancellationToken cancellationToken)
    {
        var delivered = delivery?.Events;
        var pending = (delivered ?? [])
            .Where(document => document.Version > projected.Version)
            .DistinctBy(document => document.Version)
            .OrderBy(document => document.Version)
            .ToList();
        var contiguous = delivered is not null
            && pending.Select((document, index) => document.Version == projected.Version + 1 + index).All(follows => follows);
        if (contiguous) return (pending, delivery!.Unreadable);
        var stored = await store.ReadEventsAsync(projected.TodoId, projected.Version, cancellationToken);
        return (stored.Events, stored.Unreadable);
    }

    /// <summary>Applies events in order up to the first that fails; what was applied before it is the last good state.</summary>
    private (TodoStream Folded, Failure? Failure) Fold(TodoStream projected, IReadOnlyList<EventDocument> pending)
    {
        var folded = projected;
        foreach (var document in pending)
        {
            // A version the log holds no readable event for (its document's version is not a number) stops the fold there.
            if (document.Version != folded.Version + 1) return (folded, Failure.Missing(folded.Version + 1, document));
            var (applied, failure) = Apply(folded, document);
            if (applied is null) return (folded, failure);
            folded = applied;
        }
        return (folded, null);
    }

    /// <summary>
    /// Decoding and folding touch no database, so their failure is the event's own fault, never a transient one (those
    /// throw from the reads and writes around it, and the change feed delivers the batch again). Retrying in place,
    /// a bounded number of times, settles that without holding up the other todos of the lease with redeliveries.
    /// </summary>
    private (TodoStream? Stream, Failure? Failure) Apply(TodoStream stream, EventDocument document)
    {
        Exception? error = null;
        for (var attempt = 0; attempt < maxApplyAttempts; attempt++)
        {
            try
            {
                return (stream.Apply(codec.Decode(document), document.Timestamp), null);
            }
            catch (EventFromNewerReleaseException newer)
            {
                // Not this event's fault, and no retry here can read it: park it, for a release that reads it to resume.
                return (null, Failure.Of(newer, document));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                error = e;
            }
        }
        return (null, new Failure(document.Version, document.Type, JsonSerializer.SerializeToElement(document, TodoJson.Options),
            $"{error!.GetType().Name}: {error.Message}", maxApplyAttempts));
    }

    /// <summary>
    /// The marker for a failure; attempts add up across retries that fail on the same event, and the held version
    /// stays as long as it lies beyond the failing event.
    /// </summary>
    private ParkedMarker Park(Failure failure, ParkedMarker? previous, long? deliveredThrough)
    {
        var held = Math.Max(previous?.HeldVersion ?? 0, deliveredThrough ?? 0);
        return new ParkedMarker(
            failure.Version,
            failure.Type,
            failure.Error,
            failure.Attempts + (previous?.Version == failure.Version ? previous.Attempts : 0),
            clock.GetUtcNow(),
            held > failure.Version ? held : null,
            failure.NewerSchemaVersion);
    }

    public bool ReadsAwaitedSchema(ParkedMarker parked) =>
        parked.NewerSchemaVersion is { } version && codec.Reads(parked.EventType, version);

    private static async Task<bool> TryWriteAsync(Container container, TDocument document, string? etag, CancellationToken cancellationToken)
    {
        var partition = new PartitionKey(document.Id);
        var requestOptions = new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false };
        try
        {
            if (etag is null)
                await container.CreateItemAsync(document, partition, requestOptions, cancellationToken);
            else
                await container.ReplaceItemAsync(document, document.Id, partition, requestOptions, cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    /// <summary>Why the todo stops at <see cref="Version"/>, with the event as the dead-letter record shows it.</summary>
    private sealed record Failure(long Version, string Type, JsonElement Event, string Error, int Attempts, int? NewerSchemaVersion = null)
    {
        public static Failure Of(EventFromNewerReleaseException newer, EventDocument document) =>
            new(document.Version, document.Type, JsonSerializer.SerializeToElement(document, TodoJson.Options),
                $"{nameof(EventFromNewerReleaseException)}: {newer.Message}", Attempts: 1, newer.SchemaVersion);

        /// <summary>An unreadable document parks the todo at its own version, or, when that cannot be read, at the next one.</summary>
        public static Failure Of(UnreadableEvent unreadable, long projectedVersion) =>
            new(unreadable.Version ?? projectedVersion + 1, unreadable.Type ?? "(unreadable)", unreadable.Raw, unreadable.Error, Attempts: 1);

        public static Failure Missing(long version, EventDocument next) =>
            new(version, "(missing)", JsonSerializer.SerializeToElement(next, TodoJson.Options),
                $"the log holds no readable event at version {version}; the next one is version {next.Version}", Attempts: 1);
    }
}


/// <summary>Writes the todo view, the document the todo and list GETs read.</summary>
internal sealed class TodoViewWriter(EventStore store, TodoEventCodec codec, IOptions<TodoStoreOptions> options, TimeProvider clock, TransientRetry retry)
    : TodoDocumentWriter<TodoViewDocument>(ProjectionNames.Todos, store, codec, options, clock, retry);
