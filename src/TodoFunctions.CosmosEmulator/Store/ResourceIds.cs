using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// Resource ids laid out the way the SDK decodes them: a database is 4 bytes, a container 8 bytes (its database's
/// 4, then 4 whose first byte has the high bit set, or the SDK reads a user id), a document 16 bytes (its
/// container's 8, then a little-endian number small enough to leave the high 4 bits of the last byte zero).
/// </summary>
internal static class ResourceIds
{
    private const int DocumentBytes = 16;
    private const int DocumentRidLength = 24;

    public static string Database(uint number) => Encode(BitConverter.GetBytes(number));

    public static string Container(string databaseRid, uint number)
    {
        var bytes = new byte[8];
        Decode(databaseRid).CopyTo(bytes, 0);
        bytes[4] = 0x80;
        bytes[5] = (byte)(number >> 16);
        bytes[6] = (byte)(number >> 8);
        bytes[7] = (byte)number;
        return Encode(bytes);
    }

    public static string Document(string containerRid, ulong number)
    {
        var bytes = new byte[16];
        Decode(containerRid).CopyTo(bytes, 0);
        BitConverter.GetBytes(number).CopyTo(bytes, 8);
        return Encode(bytes);
    }

    public static uint DatabaseNumber(string databaseRid) => BitConverter.ToUInt32(Decode(databaseRid));

    public static uint ContainerNumber(string containerRid)
    {
        var bytes = Decode(containerRid);
        return (uint)(bytes[5] << 16 | bytes[6] << 8 | bytes[7]);
    }

    public static ulong DocumentNumber(string documentRid) =>
        TryDocumentNumber(Encoding.UTF8.GetBytes(documentRid), out var number)
            ? number
            : throw new FormatException($"'{documentRid}' is not a document's resource id.");

    /// <summary>As <see cref="DocumentNumber(string)"/>, from the rid's UTF-8 bytes, allocating nothing (replay reads
    /// one per document); false when they are not a document's resource id.</summary>
    public static bool TryDocumentNumber(ReadOnlySpan<byte> documentRid, out ulong number)
    {
        number = 0;
        if (documentRid.Length != DocumentRidLength)
            return false;
        Span<byte> base64 = stackalloc byte[DocumentRidLength];
        Span<byte> bytes = stackalloc byte[DocumentBytes];
        documentRid.CopyTo(base64);
        base64.Replace((byte)'-', (byte)'/');
        if (Base64.DecodeFromUtf8(base64, bytes, out _, out var written) != OperationStatus.Done || written != DocumentBytes)
            return false;
        number = BitConverter.ToUInt64(bytes[8..]);
        return true;
    }

    // Resource ids travel in URL paths, so the SDK's base64 alphabet uses '-' where standard base64 has '/'.
    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).Replace('/', '-');

    private static byte[] Decode(string rid) => Convert.FromBase64String(rid.Replace('-', '/'));
}
