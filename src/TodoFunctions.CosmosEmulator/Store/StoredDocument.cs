using System.Text;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>
/// A live version of an item, kept compact: its body with system properties as UTF-8 JSON, parsed anew for each
/// reader (a parsed tree costs several times the JSON's size, and every reader gets a tree of its own), beside what
/// the store consults without parsing: its place, the LSN of its last write, when that was, its own <c>ttl</c> and its
/// values on the container's unique keys.
/// </summary>
internal sealed class StoredDocument
{
    private readonly byte[] json;
    private readonly long writtenAtTicks;

    public StoredDocument(string partitionKeyJson, string id, DocumentJson body, long lsn, DateTimeOffset writtenAt, IReadOnlyList<JToken> uniqueKeyValues)
    {
        PartitionKeyJson = partitionKeyJson;
        Id = id;
        json = body.Utf8;
        Lsn = lsn;
        writtenAtTicks = writtenAt.UtcTicks;
        Ttl = body.Ttl;
        UniqueKeyValues = uniqueKeyValues;
    }

    public string PartitionKeyJson { get; }

    public string Id { get; }

    public long Lsn { get; }

    public DateTimeOffset WrittenAt => new(writtenAtTicks, TimeSpan.Zero);

    /// <summary>The item's own time to live in seconds, if it has one.</summary>
    public long? Ttl { get; }

    /// <summary>See <see cref="UniqueKeys.ValuesOf"/>.</summary>
    public IReadOnlyList<JToken> UniqueKeyValues { get; }

    public JObject ParseBody() => (JObject)Json.Parse(Encoding.UTF8.GetString(json));
}
