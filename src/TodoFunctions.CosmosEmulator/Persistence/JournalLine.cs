using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>The on-disk form of a journal entry: one JSON object per line, named by a "kind" property.</summary>
internal static class JournalLine
{
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

    /// <summary>Reads the entry at the reader's current token; throws <see cref="JsonException"/> or <see cref="InvalidDataException"/> when it is not a journal entry.</summary>
    public static JournalEntry Read(JsonReader json)
    {
        var entry = JObject.Load(json);
        var database = Required(entry, "database");
        return Required(entry, "kind") switch
        {
            "databaseCreated" => new DatabaseCreated(database, RequiredObject(entry, "resource")),
            "databaseDeleted" => new DatabaseDeleted(database),
            "containerCreated" => new ContainerCreated(database, Required(entry, "container"), RequiredObject(entry, "resource")),
            "containerDeleted" => new ContainerDeleted(database, Required(entry, "container")),
            "documentsChanged" => new DocumentsChanged(database, Required(entry, "container"), ReadChanges(entry)),
            "partitionKeyRangesChanged" => new PartitionKeyRangesChanged(database, Required(entry, "container"), RequiredObject(entry, "ranges")),
            var kind => throw new InvalidDataException($"Unknown journal entry kind '{kind}'."),
        };
    }

    /// <summary>A container's documents as one entry, each document already JSON text (UTF-8), so a checkpoint is
    /// written without building objects for them.</summary>
    public static void WriteDocuments(JsonWriter json, string database, string container, IEnumerable<FoldedChange> changes)
    {
        json.WriteStartObject();
        WriteKind(json, "documentsChanged", database, container);
        WriteChanges(json, changes, change => (change.PartitionKeyJson, change.Id, change.Lsn), (writer, change) =>
        {
            if (change.Document is null)
                writer.WriteNull();
            else
                writer.WriteRawValue(JournalFile.Utf8.GetString(change.Document));
        });
        json.WriteEndObject();
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

    // WriteTo leaves the caller's document untouched, as in WriteToken.
    private static void WriteChanges(JsonWriter json, IReadOnlyList<DocumentChange> changes) =>
        WriteChanges(json, changes, change => (change.PartitionKeyJson, change.Id, change.Lsn), (writer, change) =>
        {
            if (change.Document is null)
                writer.WriteNull();
            else
                change.Document.WriteTo(writer);
        });

    private static void WriteChanges<TChange>(
        JsonWriter json, IEnumerable<TChange> changes, Func<TChange, (string PartitionKeyJson, string Id, long Lsn)> identify, Action<JsonWriter, TChange> writeDocument)
    {
        json.WritePropertyName("changes");
        json.WriteStartArray();
        foreach (var change in changes)
        {
            var (partitionKeyJson, id, lsn) = identify(change);
            json.WriteStartObject();
            json.WritePropertyName("partitionKey");
            json.WriteValue(partitionKeyJson);
            json.WritePropertyName("id");
            json.WriteValue(id);
            json.WritePropertyName("document");
            writeDocument(json, change);
            json.WritePropertyName("lsn");
            json.WriteValue(lsn);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static List<DocumentChange> ReadChanges(JObject entry) =>
        (entry["changes"] as JArray ?? throw new InvalidDataException("A documentsChanged entry has no changes array."))
            .Select(change => (JObject)change)
            .Select(change => new DocumentChange(
                Required(change, "partitionKey"),
                Required(change, "id"),
                change["document"] as JObject,
                change.Value<long?>("lsn") ?? throw new InvalidDataException("A document change has no lsn.")))
            .ToList();

    private static string Required(JObject entry, string name) =>
        entry.Value<string>(name) ?? throw new InvalidDataException($"A journal entry has no '{name}'.");

    private static JObject RequiredObject(JObject entry, string name) =>
        entry[name] as JObject ?? throw new InvalidDataException($"A journal entry has no '{name}' object.");
}
