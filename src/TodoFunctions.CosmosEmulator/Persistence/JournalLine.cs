using System.Runtime.CompilerServices;
using System.Text.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>The on-disk form of a journal entry: one JSON object per line, named by a "kind" property.</summary>
internal static class JournalLine
{
    // Cosmos DB accepts items nested deeper than System.Text.Json's default of 64.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    public static string Write(JournalEntry entry)
    {
        using var text = new StringWriter();
        using (var json = new JsonTextWriter(text) { Formatting = Formatting.None })
        {
            json.WriteStartObject();
            switch (entry)
            {
                case DatabaseCreated created:
                    WriteKind(json, "databaseCreated", created.Database);
                    WriteToken(json, "resource", created.Resource);
                    break;
                case DatabaseDeleted deleted:
                    WriteKind(json, "databaseDeleted", deleted.Database);
                    break;
                case ContainerCreated created:
                    WriteKind(json, "containerCreated", created.Database, created.Container);
                    WriteToken(json, "resource", created.Resource);
                    break;
                case ContainerDeleted deleted:
                    WriteKind(json, "containerDeleted", deleted.Database, deleted.Container);
                    break;
                case DocumentsChanged changed:
                    WriteKind(json, "documentsChanged", changed.Database, changed.Container);
                    WriteChanges(json, changed.Changes);
                    break;
                case PartitionKeyRangesChanged changed:
                    WriteKind(json, "partitionKeyRangesChanged", changed.Database, changed.Container);
                    WriteToken(json, "ranges", changed.Ranges);
                    break;
                default:
                    throw new ArgumentException($"No journal format for {entry.GetType().Name}.", nameof(entry));
            }
            json.WriteEndObject();
        }
        return text.ToString();
    }

    /// <summary>Reads one line's entry with a System.Text.Json reader over its bytes: each document is kept as its
    /// slice of the line (see <see cref="DocumentJson"/>). Throws <see cref="System.Text.Json.JsonException"/> or
    /// <see cref="InvalidDataException"/> when the line is not a journal entry.</summary>
    // Replay runs these once per document, hundreds of thousands of times, from the first moment of a start: compiled
    // optimized at once, they skip the slow first tier and the switch to the optimized code midway (measured: a cold start
    // of 100 MB spent more time compiling than a warm one spent replaying).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static JournalEntry Read(ReadOnlySpan<byte> line)
    {
        var json = new Utf8JsonReader(line, ReaderOptions);
        Expect(ref json, JsonTokenType.StartObject, "A journal entry is not a JSON object.");
        string? kind = null, database = null, container = null;
        JObject? resource = null, ranges = null;
        List<DocumentChange>? changes = null;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            if (json.ValueTextEquals("kind"u8))
                kind = ReadString(ref json);
            else if (json.ValueTextEquals("database"u8))
                database = ReadString(ref json);
            else if (json.ValueTextEquals("container"u8))
                container = ReadString(ref json);
            else if (json.ValueTextEquals("resource"u8))
                resource = ReadObject(ref json, line);
            else if (json.ValueTextEquals("ranges"u8))
                ranges = ReadObject(ref json, line);
            else if (json.ValueTextEquals("changes"u8))
                changes = ReadChanges(ref json, line);
            else
                json.Skip();
        }
        // Anything after the entry on its line throws here.
        json.Read();
        database = Required(database, "database");
        return Required(kind, "kind") switch
        {
            "databaseCreated" => new DatabaseCreated(database, Required(resource, "resource")),
            "databaseDeleted" => new DatabaseDeleted(database),
            "containerCreated" => new ContainerCreated(database, Required(container, "container"), Required(resource, "resource")),
            "containerDeleted" => new ContainerDeleted(database, Required(container, "container")),
            "documentsChanged" => new DocumentsChanged(database, Required(container, "container"),
                changes ?? throw new InvalidDataException("A documentsChanged entry has no changes array.")),
            "partitionKeyRangesChanged" => new PartitionKeyRangesChanged(database, Required(container, "container"), Required(ranges, "ranges")),
            var unknown => throw new InvalidDataException($"Unknown journal entry kind '{unknown}'."),
        };
    }

    private static void WriteKind(JsonWriter json, string kind, string database, string? container = null)
    {
        json.WritePropertyName("kind");
        json.WriteValue(kind);
        json.WritePropertyName("database");
        json.WriteValue(database);
        if (container is not null)
        {
            json.WritePropertyName("container");
            json.WriteValue(container);
        }
    }

    // WriteTo leaves the caller's token untouched; adding it to a new JObject would re-parent it.
    private static void WriteToken(JsonWriter json, string name, JToken? token)
    {
        json.WritePropertyName(name);
        if (token is null)
            json.WriteNull();
        else
            token.WriteTo(json);
    }

    // Documents are written as the UTF-8 JSON they are kept as, never re-parsed.
    private static void WriteChanges(JsonWriter json, IReadOnlyList<DocumentChange> changes)
    {
        json.WritePropertyName("changes");
        json.WriteStartArray();
        foreach (var change in changes)
        {
            json.WriteStartObject();
            json.WritePropertyName("partitionKey");
            json.WriteValue(change.PartitionKeyJson);
            json.WritePropertyName("id");
            json.WriteValue(change.Id);
            json.WritePropertyName("document");
            if (change.Document is null)
                json.WriteNull();
            else
                json.WriteRawValue(JournalFile.Utf8.GetString(change.Document.Utf8));
            json.WritePropertyName("lsn");
            json.WriteValue(change.Lsn);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<DocumentChange> ReadChanges(ref Utf8JsonReader json, ReadOnlySpan<byte> line)
    {
        json.Read();
        Expect(json.TokenType == JsonTokenType.StartArray, "A documentsChanged entry has no changes array.");
        var changes = new List<DocumentChange>();
        while (json.Read() && json.TokenType != JsonTokenType.EndArray)
            changes.Add(ReadChange(ref json, line));
        return changes;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DocumentChange ReadChange(ref Utf8JsonReader json, ReadOnlySpan<byte> line)
    {
        Expect(json.TokenType == JsonTokenType.StartObject, "A document change is not a JSON object.");
        string? partitionKey = null, id = null;
        DocumentJson? document = null;
        long? lsn = null;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            if (json.ValueTextEquals("partitionKey"u8))
                partitionKey = ReadString(ref json);
            else if (json.ValueTextEquals("id"u8))
                id = ReadString(ref json);
            else if (json.ValueTextEquals("document"u8))
            {
                json.Read();
                document = json.TokenType == JsonTokenType.Null ? null : DocumentJson.Read(ref json, line);
            }
            else if (json.ValueTextEquals("lsn"u8))
            {
                json.Read();
                lsn = json.TokenType == JsonTokenType.Number ? json.GetInt64() : throw new InvalidDataException("A document change's lsn is not a number.");
            }
            else
                json.Skip();
        }
        return new DocumentChange(Required(partitionKey, "partitionKey"), Required(id, "id"), document,
            lsn ?? throw new InvalidDataException("A document change has no lsn."));
    }

    private static string? ReadString(ref Utf8JsonReader json)
    {
        json.Read();
        var value = json.TokenType == JsonTokenType.String ? json.GetString() : null;
        json.Skip();
        return value;
    }

    private static JObject? ReadObject(ref Utf8JsonReader json, ReadOnlySpan<byte> line)
    {
        json.Read();
        if (json.TokenType != JsonTokenType.StartObject)
            return null;
        var start = (int)json.TokenStartIndex;
        json.Skip();
        return (JObject)Json.Parse(JournalFile.Utf8.GetString(line[start..(int)json.BytesConsumed]));
    }

    private static void Expect(ref Utf8JsonReader json, JsonTokenType type, string otherwise)
    {
        json.Read();
        Expect(json.TokenType == type, otherwise);
    }

    private static void Expect(bool condition, string otherwise)
    {
        if (!condition)
            throw new InvalidDataException(otherwise);
    }

    private static T Required<T>(T? value, string name) where T : class =>
        value ?? throw new InvalidDataException($"A journal entry has no '{name}'.");
}
