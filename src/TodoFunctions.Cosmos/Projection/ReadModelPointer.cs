using System.Diagnostics;
using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Which read container is live, the one it replaced (and the read-model version its documents have), the rebuild
/// under way and the last one cancelled: one small document, changed only with If-Match. The two read containers of
/// <see cref="TodoStoreLayout"/> take turns; a cancelled rebuild's version is never used again, so the next rebuild
/// overwrites whatever the cancelled one left in its container.
/// </summary>
internal sealed record ReadModelPointer(
    string Id, int LiveVersion, string LiveContainer, string? PreviousContainer, DateTimeOffset? SwitchedAt, RebuildProgress? Rebuild,
    int? PreviousVersion = null, RebuildProgress? LastCancelled = null)
{
    /// <summary>The read-model version of the next rebuild: above the live one and above any a cancelled rebuild wrote.</summary>
    public int NextRebuildVersion() => Math.Max(LiveVersion, LastCancelled?.TargetVersion ?? 0) + 1;
}

/// <summary>A read container and the read-model version its documents are written for.</summary>
internal sealed record ReadTarget(Container Container, int ReadModelVersion);

/// <summary>
/// Reads and writes the <see cref="ReadModelPointer"/>, kept in the leases container under an id no change feed lease
/// can have (the processor's lease ids all end in <c>..{range}</c>, <c>.info</c> or <c>.lock</c>). Reads of the live
/// container use a copy at most <see cref="TodoStoreOptions.ReadModelPointerCacheDuration"/> old, so serving a GET
/// costs no extra request; rebuilds and switches wait out that window before relying on every instance seeing a change.
/// </summary>
internal sealed class ReadModelPointers(CosmosClient client, IOptions<TodoStoreOptions> options)
{
    public const string DocumentId = "read-model-pointer";

    private static readonly PartitionKey Partition = new(DocumentId);

    private readonly TodoStoreOptions settings = options.Value;
    private readonly Container leases = client.GetContainer(options.Value.DatabaseName, options.Value.LeasesContainer);
    private readonly Lock gate = new();
    private (Task<ReadModelPointer> Pointer, long ReadStartedAt)? cached;

    /// <summary>How long after a pointer change some instance may still act on the old one.</summary>
    public TimeSpan CacheDuration => settings.ReadModelPointerCacheDuration;

    /// <summary>How long a claimed rebuild may save nothing before a rebuild request resumes it.</summary>
    public TimeSpan RebuildStallTimeout => settings.RebuildStallTimeout;

    /// <summary>The pointer as read at most <see cref="CacheDuration"/> ago; concurrent callers share one read.</summary>
    public Task<ReadModelPointer> CurrentAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (cached is not { } copy || copy.Pointer.IsFaulted || Stopwatch.GetElapsedTime(copy.ReadStartedAt) >= CacheDuration)
                cached = copy = (ReadSharedAsync(), Stopwatch.GetTimestamp());
            return copy.Pointer.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The pointer as stored now, with the ETag to write it back; the initial pointer (no ETag) before the first rebuild.</summary>
    public async Task<(ReadModelPointer Pointer, string? ETag)> ReadAsync(CancellationToken cancellationToken) =>
        await leases.ReadOptionalAsync<ReadModelPointer>(DocumentId, Partition, cancellationToken) is { } stored
            ? (stored.Document, stored.ETag)
            : (new ReadModelPointer(DocumentId, 1, settings.ReadModelContainer, null, null, null), null);

    /// <summary>Writes the pointer if it is still at <paramref name="etag"/>; the new ETag, or <c>null</c> when another writer came first.</summary>
    public async Task<string?> TryWriteAsync(ReadModelPointer pointer, string? etag, CancellationToken cancellationToken)
    {
        var requestOptions = new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false };
        try
        {
            var response = etag is null
                ? await leases.CreateItemAsync(pointer, Partition, requestOptions, cancellationToken)
                : await leases.ReplaceItemAsync(pointer, DocumentId, Partition, requestOptions, cancellationToken);
            lock (gate) cached = (Task.FromResult(pointer), Stopwatch.GetTimestamp());
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed)
        {
            return null;
        }
    }

    public Container Container(string name) => client.GetContainer(settings.DatabaseName, name);

    /// <summary>The read container a rebuild fills while <paramref name="liveContainer"/> serves.</summary>
    public string OtherReadContainer(string liveContainer) =>
        liveContainer == settings.ReadModelContainer ? settings.AlternateReadModelContainer : settings.ReadModelContainer;

    /// <summary>
    /// Where the projector writes, the live container first: also the container it replaced (a reader with an older
    /// pointer may still read there), and the rebuilding one once its replay has caught up.
    /// </summary>
    public IReadOnlyList<ReadTarget> WriteTargets(ReadModelPointer pointer) =>
    [
        new(Container(pointer.LiveContainer), pointer.LiveVersion),
        // Pointers switched before versions could be skipped by a cancel record no previous version: it was one below.
        .. pointer.PreviousContainer is { } previous
            ? [new ReadTarget(Container(previous), pointer.PreviousVersion ?? pointer.LiveVersion - 1)]
            : Array.Empty<ReadTarget>(),
        .. pointer.Rebuild is { State: RebuildProgress.CatchingUp } rebuild
            ? [new ReadTarget(Container(rebuild.TargetContainer), rebuild.TargetVersion)]
            : Array.Empty<ReadTarget>(),
    ];

    // Not bound to the first caller's cancellation: other callers share this read.
    private async Task<ReadModelPointer> ReadSharedAsync() => (await ReadAsync(CancellationToken.None)).Pointer;
}
