namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// The folded documents' UTF-8 JSON (and their keys), copied into large arrays. A compaction holds every live document until its
/// checkpoint is written; held as one small array each, they would outlive the young generations and the garbage
/// collector would copy them all while every request thread waits. Large arrays are allocated in the large object
/// heap, which those collections never copy.
/// </summary>
internal sealed class FoldedBodies
{
    // Large enough for the large object heap (85,000 bytes) and to waste little at each array's end.
    private const int ChunkBytes = 1 << 20;

    private byte[] chunk = [];
    private int used;

    /// <summary>The document's bytes as kept until the checkpoint is written; null for a deletion.</summary>
    public ReadOnlyMemory<byte>? Keep(DocumentJson? document)
    {
        // Not a conditional expression: its null would convert to an empty body through the byte[] conversion.
        if (document is null)
            return null;
        return Keep(document.Utf8);
    }

    public ReadOnlyMemory<byte> Keep(ReadOnlySpan<byte> body)
    {
        // A body this large is a large object by itself, and would waste much of a shared array's end.
        if (body.Length > ChunkBytes / 8)
            return body.ToArray();
        if (chunk.Length - used < body.Length)
            (chunk, used) = (GC.AllocateUninitializedArray<byte>(ChunkBytes), 0);
        var kept = chunk.AsMemory(used, body.Length);
        body.CopyTo(kept.Span);
        used += body.Length;
        return kept;
    }
}
