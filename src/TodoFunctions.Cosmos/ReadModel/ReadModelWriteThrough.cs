using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Read-your-writes for the price of one write: after its append, a command writes its todo's read document itself,
/// so its answer does not wait for the change feed. The write is exact and monotonic because it is conditional: a
/// create only where no document exists, otherwise a patch that applies only while the stored document is the one
/// the projector writes for the stream the command decided on (same version, same read-model build, not parked),
/// and sets exactly what differs between that document and the one for the appended stream. When the patch finds the
/// document missing or behind (an earlier write that did not wait, a lagging projector), the command reads it once and
/// creates it, or replaces it under If-Match while it is still behind, of the same build and not parked. Anything
/// else (the projector came first, a parked todo, a rebuild's container behind, a lost race, 429, 503, a timeout) is
/// "not confirmed", and
/// the command falls back to waiting for the projector, which stays the guarantee: it finds the document at the
/// version and writes nothing.
/// </summary>
public sealed class ReadModelWriteThrough
{
    /// <summary>Cosmos DB's limit per patch request.</summary>
    private const int MaxPatchOperations = 10;

    // Properties that documents written by older releases may lack: always set, as the projector's full replace would.
    private static readonly string[] LateProperties = ["listPosition", "completedAt", "deletedAt", "purged", "dueDate"];

    private static readonly ItemRequestOptions WithoutContent = new() { EnableContentResponseOnWrite = false };

    private readonly ReadModelPointers pointers;
    private readonly bool enabled;
    private readonly ILogger logger;

    internal ReadModelWriteThrough(ReadModelPointers pointers, IOptions<TodoStoreOptions> options, ILogger<ReadModelWriteThrough> logger) =>
        (this.pointers, enabled, this.logger) = (pointers, options.Value.WriteThroughReadModel, logger);

    /// <summary>
    /// Writes the read document of <paramref name="after"/>, appended on <paramref name="before"/>, into every read
    /// container the projector writes. Returns the live container's session once all of them show it, so a reader
    /// on another instance can ask for a replica that has it; <c>null</c> when that is not confirmed.
    /// </summary>
    public async Task<ReadSession?> TryWriteAsync(TodoStream before, TodoStream after, CancellationToken cancellationToken)
    {
        if (!enabled) return null;
        try
        {
            var targets = pointers.WriteTargets(await pointers.CurrentAsync(cancellationToken));
            var sessionTokens = await Task.WhenAll(targets.Select(target => WriteAsync(target, before, after, cancellationToken)));
            return sessionTokens.All(token => token is not null) ? new ReadSession(targets[0].Container.Id, targets[0].ReadModelVersion, sessionTokens[0]!) : null;
        }
        // The append is stored whatever happens here: a failed write-through only costs the wait for the projector.
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "The write-through of todo {TodoId} at version {Version} failed; the command waits for the projector.", after.TodoId, after.Version);
            return null;
        }
    }

    private async Task<string?> WriteAsync(ReadTarget target, TodoStream before, TodoStream after, CancellationToken cancellationToken)
    {
        var document = TodoViewDocument.From(after, target.ReadModelVersion, parked: null);
        var partition = new PartitionKey(document.Id);
        if (before.Version == 0) return await CreateAsync(target, document, cancellationToken);
        var operations = Differences(TodoViewDocument.From(before, target.ReadModelVersion, parked: null), document);
        if (operations.Count <= MaxPatchOperations)
        {
            var condition = new PatchItemRequestOptions
            {
                FilterPredicate = $"FROM c WHERE c.version = {before.Version} AND c.readModelVersion = {target.ReadModelVersion} AND (NOT IS_DEFINED(c.parked) OR IS_NULL(c.parked))",
                EnableContentResponseOnWrite = false,
            };
            using var patched = await target.Container.PatchItemStreamAsync(document.Id, partition, operations, condition, cancellationToken);
            if (patched.IsSuccessStatusCode) return patched.Headers.Session;
            if (!Refused(patched, target, document)) return null;
        }
        return await CatchUpBehindAsync(target, document, cancellationToken);
    }

    /// <summary>
    /// The stored document is missing or not at the version the command started from. <paramref name="document"/> is
    /// exact whatever the stored one holds: a read document is a pure function of its stream, and the command's stream
    /// is the fold of the whole log up to its append, so the projector writes this very document once it has applied
    /// that version. It only goes forward: the replace applies while the document is the one read (If-Match), and that
    /// one is behind, of this build and not parked (a parked todo waits for its resume, which this must not skip).
    /// </summary>
    private async Task<string?> CatchUpBehindAsync(ReadTarget target, TodoViewDocument document, CancellationToken cancellationToken)
    {
        var todoId = Guid.Parse(document.Id);
        if (await TodoViewDocument.ReadAsync(target.Container, todoId, cancellationToken) is not var (stored, etag))
            return await CreateAsync(target, document, cancellationToken);
        if (stored.ReadModelVersion != target.ReadModelVersion || stored.Parked is not null || stored.Version >= document.Version) return null;
        using var body = Serialized(document);
        using var replaced = await target.Container.ReplaceItemStreamAsync(
            body, document.Id, new PartitionKey(document.Id), new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false }, cancellationToken);
        return Confirmed(replaced, target, document);
    }

    private async Task<string?> CreateAsync(ReadTarget target, TodoViewDocument document, CancellationToken cancellationToken)
    {
        using var body = Serialized(document);
        using var created = await target.Container.CreateItemStreamAsync(body, new PartitionKey(document.Id), WithoutContent, cancellationToken);
        return Confirmed(created, target, document);
    }

    private string? Confirmed(ResponseMessage response, ReadTarget target, TodoViewDocument document)
    {
        if (response.IsSuccessStatusCode) return response.Headers.Session;
        Refused(response, target, document);
        return null;
    }

    /// <summary>
    /// Whether the read container refused the condition (412), found a document where it expected none (409) or none
    /// where it expected one (404). Anything else is logged, so a write-through that always fails, and so always
    /// costs the change-feed wait, is seen.
    /// </summary>
    private bool Refused(ResponseMessage response, ReadTarget target, TodoViewDocument document)
    {
        if (response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict or HttpStatusCode.NotFound) return true;
        logger.LogWarning(
            "The write-through of todo {TodoId} at version {Version} into {Container} answered {StatusCode}/{SubStatusCode}; the command waits for the projector.",
            document.Id, document.Version, target.Container.Id, (int)response.StatusCode, response.Headers["x-ms-substatus"] ?? "0");
        return false;
    }

    private static MemoryStream Serialized(TodoViewDocument document) => new(JsonSerializer.SerializeToUtf8Bytes(document, TodoJson.Options));

    /// <summary>A set of each top-level property whose stored JSON differs, and of each that older documents may lack.</summary>
    private static List<PatchOperation> Differences(TodoViewDocument stored, TodoViewDocument written)
    {
        var was = JsonSerializer.SerializeToElement(stored, TodoJson.Options);
        return
        [
            .. JsonSerializer.SerializeToElement(written, TodoJson.Options).EnumerateObject()
                .Where(property => LateProperties.Contains(property.Name)
                    || !was.TryGetProperty(property.Name, out var old) || !JsonElement.DeepEquals(old, property.Value))
                .Select(property => PatchOperation.Set($"/{property.Name}", property.Value)),
        ];
    }
}
