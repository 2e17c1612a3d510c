using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// An item's body as it is journaled, stored and read back: compact UTF-8 JSON with its system properties, beside
/// the few top-level values the store consults without parsing it (resource id number, time stamp, own <c>ttl</c>). Replay
/// takes it as a slice of the journal's bytes, so no tree is built and nothing is re-encoded.
/// </summary>
public sealed class DocumentJson
{
    private DocumentJson(byte[] utf8, ulong? documentNumber, long? timestamp, long? ttl)
    {
        Utf8 = utf8;
        DocumentNumber = documentNumber;
        Timestamp = timestamp;
        Ttl = ttl;
    }

    internal byte[] Utf8 { get; }

    /// <summary>The number in the item's <c>_rid</c> (see <see cref="ResourceIds.DocumentNumber(string)"/>); null when
    /// it has none, or one that is not a document's.</summary>
    internal ulong? DocumentNumber { get; }

    /// <summary>The item's <c>_ts</c>: when it was written, in seconds since 1970.</summary>
    internal long? Timestamp { get; }

    /// <summary>The item's own time to live in seconds, when it is a whole number.</summary>
    internal long? Ttl { get; }

    /// <summary>A body built in memory (a write): encoded once, for the journal and the store alike.</summary>
    public static DocumentJson From(JObject body) => new(
        JournalFile.Utf8.GetBytes(Json.Compact(body)),
        body[SystemProperties.Rid] is JValue { Type: JTokenType.String, Value: string rid } ? NumberOf(JournalFile.Utf8.GetBytes(rid)) : null,
        Integer(body[SystemProperties.Timestamp]),
        Integer(body["ttl"]));

    public static implicit operator DocumentJson(JObject body) => From(body);

    /// <summary>Takes the object at the reader's current token (its start) as it is in <paramref name="input"/>, the
    /// whole span the reader reads, reading the top-level values it needs on the way; leaves the reader on its end.</summary>
    // Hot at start: see JournalLine.Read.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static DocumentJson Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> input)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new InvalidDataException("A document is not a JSON object.");
        var start = (int)reader.TokenStartIndex;
        ulong? documentNumber = null;
        long? timestamp = null, ttl = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(SystemProperties.Rid))
            {
                reader.Read();
                documentNumber = reader.TokenType != JsonTokenType.String ? null
                    : reader.ValueIsEscaped ? NumberOf(JournalFile.Utf8.GetBytes(reader.GetString()!))
                    : NumberOf(reader.ValueSpan);
            }
            else if (reader.ValueTextEquals(SystemProperties.Timestamp))
            {
                reader.Read();
                timestamp = Integer(ref reader);
            }
            else if (reader.ValueTextEquals("ttl"u8))
            {
                reader.Read();
                ttl = Integer(ref reader);
            }
            else
            {
                reader.Read();
            }
            reader.Skip();
        }
        return new DocumentJson(input[start..(int)reader.BytesConsumed].ToArray(), documentNumber, timestamp, ttl);
    }

    public override string ToString() => JournalFile.Utf8.GetString(Utf8);

    // Null when the _rid is not a document's: the store refuses such an item, a fold that drops it never minds.
    private static ulong? NumberOf(ReadOnlySpan<byte> rid) => ResourceIds.TryDocumentNumber(rid, out var number) ? number : null;

    // As Newtonsoft reads them: a number without fraction or exponent that fits a long.
    private static long? Integer(JToken? token) =>
        token is JValue { Type: JTokenType.Integer, Value: IConvertible value } ? value.ToInt64(CultureInfo.InvariantCulture) : null;

    private static long? Integer(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;
}
