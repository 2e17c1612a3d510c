using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Read-your-writes for the price of one write: after its append, a command writes its todo's read document itself,
/// so its answer does not wait for the change feed. The write is exact and monotonic because it is conditional: a
/// create only where no document exists, otherwise a patch that applies only while the stored document is the one
/// the projector writes for the stream the command decided on (same version, same read-model build, not parked),
/// and sets exactly what differs between that document and the one for the appended stream. Anything else (the
/// projector came first, a parked todo, a rebuild's container behind, 429, 503, a timeout) is "not confirmed", and
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

    internal ReadModelWriteThrough(ReadModelPointers pointers, IOptions<TodoStoreOptions> options) =>
        (this.pointers, enabled) = (pointers, options.Value.WriteThroughReadModel);

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
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<string?> WriteAsync(ReadTarget target, TodoStream before, TodoStream after, CancellationToken cancellationToken)
    {
        var document = TodoViewDocument.From(after, target.ReadModelVersion, parked: null);
        var partition = new PartitionKey(document.Id);
        if (before.Version == 0)
        {
            using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(document, TodoJson.Options));
            using var created = await target.Container.CreateItemStreamAsync(body, partition, WithoutContent, cancellationToken);
            return created.IsSuccessStatusCode ? created.Headers.Session : null;
        }
        var operations = Differences(TodoViewDocument.From(before, target.ReadModelVersion, parked: null), document);
        if (operations.Count > MaxPatchOperations) return null;
        var condition = new PatchItemRequestOptions
        {
            FilterPredicate = $"FROM c WHERE c.version = {before.Version} AND c.readModelVersion = {target.ReadModelVersion} AND (NOT IS_DEFINED(c.parked) OR IS_NULL(c.parked))",
            EnableContentResponseOnWrite = false,
        };
        using var patched = await target.Container.PatchItemStreamAsync(document.Id, partition, operations, condition, cancellationToken);
        return patched.IsSuccessStatusCode ? patched.Headers.Session : null;
    }

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
