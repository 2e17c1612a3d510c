using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TodoFunctions.Cosmos.Idempotency;

/// <summary>
/// A client's Idempotency-Key, scoped by the request's method and path (the API is anonymous, so a key means nothing
/// beyond its request), with the fingerprint of the whole request that a repeat must match.
/// </summary>
public sealed record IdempotencyKey(string Method, string Path, string Key, string Fingerprint)
{
    public const int MaxLength = 255;

    private readonly byte[] scopeHash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new[] { Method.ToUpperInvariant(), Path, Key }));

    /// <summary>The record's document id: one record per scoped key.</summary>
    public string RecordId => $"{IdempotencyRecord.RecordKind}:{Convert.ToHexStringLower(scopeHash)}";

    /// <summary>
    /// A name-based UUID (version 8, from SHA-256) of the scoped key: the id a keyed create gives its todo, so a retry
    /// lands on the same stream, and the partition of a record that belongs to no todo (a delete-all).
    /// </summary>
    public Guid DerivedId
    {
        get
        {
            var bytes = scopeHash[..16];
            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            return new Guid(bytes, bigEndian: true);
        }
    }

    /// <summary>What a repeat of the request must send again: method, path and body bytes.</summary>
    public static string FingerprintOf(string method, string path, ReadOnlySpan<byte> body)
    {
        var head = JsonSerializer.SerializeToUtf8Bytes(new[] { method.ToUpperInvariant(), path });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(head);
        hash.AppendData(body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
