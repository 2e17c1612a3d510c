using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos.Idempotency;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos.Purge;

/// <summary>
/// Completes a purge once <see cref="TodoPurged"/> is appended (whose batch already rewrote the snapshot as the purged
/// state): masks the title wherever the todo's partition of the events container still holds it, in its events'
/// payloads (<see cref="PersonalEventFields"/>) and in its Idempotency-Key records' stored answers, each replaced in
/// place with If-Match on the ETag it was read with; and removes the todo's document from the read container no
/// projector writes, where an older build may have left it. Idempotent and resumable: only what still holds a title is
/// written, so a second run writes nothing and a run cut short is finished by the next. No event is ever deleted.
/// </summary>
internal sealed class PurgeMasking(CosmosClient client, IOptions<TodoStoreOptions> options, ReadModelPointers pointers, TimeProvider clock)
{
    private readonly Container events = client.GetContainer(options.Value.DatabaseName, options.Value.EventsContainer);

    /// <summary>Whether a delivered event obliges the projector to finish the purge before the change feed moves past it.</summary>
    public static bool Completes(EventDocument delivered) => delivered.Type == nameof(TodoPurged);

    /// <summary>Masks a purged todo's personal fields; call it only once the todo's stream holds <see cref="TodoPurged"/>.</summary>
    public async Task MaskAsync(Guid todoId, CancellationToken cancellationToken)
    {
        // TodoPurged comes with the personal events, at no extra round trip: when it happened decides which key records predate it.
        var personalEvents = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind AND ARRAY_CONTAINS(@types, c.type)")
            .WithParameter("@kind", EventDocument.EventKind)
            .WithParameter("@types", PersonalEventFields.EventTypes.Append(nameof(TodoPurged)));
        var eventsFound = await QueryPartitionAsync(todoId, personalEvents, cancellationToken);
        await MaskEachAsync(todoId, eventsFound, PersonalEventFields.Mask, cancellationToken);
        var purgedAt = eventsFound.Where(found => found["type"]?.GetValue<string>() == nameof(TodoPurged))
            .Select(purge => purge["timestamp"]!.GetValue<DateTimeOffset>()).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        var keyRecords = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind").WithParameter("@kind", IdempotencyRecord.RecordKind);
        await MaskEachAsync(todoId, await QueryPartitionAsync(todoId, keyRecords, cancellationToken), record => MaskStoredAnswer(record, purgedAt), cancellationToken);
        await RemoveUnprojectedReadDocumentAsync(todoId, cancellationToken);
    }

    private Task<List<JsonObject>> QueryPartitionAsync(Guid todoId, QueryDefinition query, CancellationToken cancellationToken) =>
        events.QueryAllAsync<JsonObject>(query, new QueryRequestOptions { PartitionKey = EventStore.PartitionOf(todoId) }, cancellationToken);

    /// <summary>Each document found by one single-partition query is masked and replaced, re-read when another writer came first.</summary>
    private async Task MaskEachAsync(Guid todoId, List<JsonObject> documents, Func<JsonObject, bool> mask, CancellationToken cancellationToken)
    {
        var partition = EventStore.PartitionOf(todoId);
        foreach (var found in documents)
        {
            var document = found;
            while (document is not null && mask(document) && !await TryReplaceAsync(document, partition, cancellationToken))
                document = (await events.ReadOptionalAsync<JsonObject>(found["id"]!.GetValue<string>(), partition, cancellationToken))?.Document;
        }
    }

    /// <summary>
    /// A keyed request's stored answer shows the todo as it was then, and its fingerprint hashes the request's body, which
    /// may hold a title that could be confirmed offline by guessing: both are masked, so a repeat of that request gets the
    /// key-reuse answer (422). The purge's own answer shows no title and its request has no body: it keeps its fingerprint,
    /// so a keyed purge still replays. A request first sent after the purge was decided on the purged todo: its answer shows
    /// nothing and its body never became the todo's, so its record is left as it is and a repeat still replays (a masking
    /// pass may run long after the purge, when the change feed delivers <see cref="TodoPurged"/>, or again on a redelivery).
    /// A replace restarts the record's TTL, so it is shortened by the time already served.
    /// </summary>
    private bool MaskStoredAnswer(JsonObject record, DateTimeOffset purgedAt)
    {
        if (FirstSentAt(record) > purgedAt) return false;
        var todo = record["outcome"]?["todo"] as JsonObject;
        if (todo?["title"] is JsonValue title && title.TryGetValue<string>(out var text) && text == Todo.PurgedTitle) return false;
        if (!((todo is not null && MaskedText.Mask(todo, "title")) | MaskedText.Mask(record, "fingerprint"))) return false;
        if (record["ttl"] is JsonValue ttl && ttl.TryGetValue<int>(out var seconds) && record["_ts"] is JsonValue ts && ts.TryGetValue<long>(out var writtenAt))
            record["ttl"] = (int)Math.Max(1, seconds - (clock.GetUtcNow().ToUnixTimeSeconds() - writtenAt));
        return true;
    }

    /// <summary>When the key's first attempt started: every attempt keeps it as the record's cutoff (<see cref="IdempotencyRecord.Cutoff"/>).</summary>
    private static DateTimeOffset FirstSentAt(JsonObject record) =>
        (record["cutoff"] ?? record["startedAt"]) is JsonValue started && started.TryGetValue<DateTimeOffset>(out var at) ? at : DateTimeOffset.MinValue;

    /// <summary>Replaces a document guarded by its ETag: <c>false</c> when another writer changed it since it was read; a document gone (an expired record) needs nothing.</summary>
    private async Task<bool> TryReplaceAsync(JsonObject document, PartitionKey partition, CancellationToken cancellationToken)
    {
        var id = document["id"]!.GetValue<string>();
        var etag = document["_etag"]!.GetValue<string>();
        foreach (var systemProperty in document.Select(property => property.Key).Where(name => name.StartsWith('_')).ToList())
            document.Remove(systemProperty);
        using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(document));
        using var response = await events.ReplaceItemStreamAsync(
            body, id, partition, new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed) return false;
        if (response.StatusCode != HttpStatusCode.NotFound) response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>
    /// The projector applies the purge to every container it writes; the other read container is read by nobody and may
    /// hold an older build's document with the title, which a rebuild would overwrite anyway, so it is removed. A document
    /// of a rebuild replaying into that container is the rebuild's: it applies <see cref="TodoPurged"/> from the feed before
    /// it can switch. The delete is guarded by the ETag read, so it never removes what a rebuild wrote meanwhile.
    /// </summary>
    private async Task RemoveUnprojectedReadDocumentAsync(Guid todoId, CancellationToken cancellationToken)
    {
        var (pointer, _) = await pointers.ReadAsync(cancellationToken);
        var other = pointers.OtherReadContainer(pointer.LiveContainer);
        if (pointers.WriteTargets(pointer).Any(target => target.Container.Id == other)) return;
        var container = pointers.Container(other);
        if (await TodoViewDocument.ReadAsync(container, todoId, cancellationToken) is not { } stored || stored.Document.Title is null or Todo.PurgedTitle) return;
        if (pointer.Rebuild is { } rebuild && rebuild.TargetContainer == other && stored.Document.ReadModelVersion >= rebuild.TargetVersion) return;
        using var response = await container.DeleteItemStreamAsync(
            todoId.ToString(), new PartitionKey(todoId.ToString()), new ItemRequestOptions { IfMatchEtag = stored.ETag }, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)) response.EnsureSuccessStatusCode();
    }
}
