using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>A checkpoint is written from the folded documents' bytes, not through the journal's line writer: what
/// replays from it must be exactly what the segments it replaces held, whatever the document, id or partition key.</summary>
public sealed class CheckpointBytesTests : IDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("checkpoint-bytes-").FullName;

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    public static TheoryData<string, string, string> Documents => new()
    {
        { "[\"pk\"]", "plain", """{"id":"plain","_rid":"AQAAAIAAAAEBAAAAAAAAAA==","_ts":1764000000,"ttl":60}""" },
        { "[\"ünïcødé € 😀\"]", "ïd <&> 'q' \"quoted\" \\ /", """{"id":"ïd <&> 'q' \"quoted\" \\ /","text":"line\nbreak \u0001 \u2028 😀","_ts":1}""" },
        { "[1.5,true,null]", "numbers", """{"id":"numbers","a":1.0,"b":1E+300,"c":-0.0,"d":123456789012345678901234567890,"_ts":2}""" },
        { "[\"pk\"]", "large", """{"id":"large","text":""" + "\"" + new string('x', 300_000) + "\"}" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task A_document_compacted_into_a_checkpoint_replays_byte_for_byte_with_its_id_and_partition_key(
        string partitionKeyJson, string id, string json)
    {
        var stored = DocumentJson.From((JObject)Json.Parse(json));
        using (var journal = new FileJournal(dataDirectory))
        {
            JournalSamples.AppendAll(journal, JournalSamples.DatabaseWithTodos);
            journal.Append(new DocumentsChanged("db", "todos", [new DocumentChange(partitionKeyJson, id, stored, 7), JournalSamples.Change("other", 8, "after it")]));
            await journal.CompactAsync();
        }

        Assert.DoesNotContain(".tmp", Assert.Single(Directory.GetDirectories(dataDirectory, "checkpoint-*")), StringComparison.Ordinal);
        using var reopened = new FileJournal(dataDirectory);
        var changes = JournalSamples.ReadAll(reopened).OfType<DocumentsChanged>().SelectMany(changed => changed.Changes).ToList();

        var replayed = changes[0];
        Assert.Equal((partitionKeyJson, id, 7L), (replayed.PartitionKeyJson, replayed.Id, replayed.Lsn));
        Assert.Equal(stored.Utf8, replayed.Document!.Utf8);
        Assert.Equal((stored.DocumentNumber, stored.Timestamp, stored.Ttl), (replayed.Document.DocumentNumber, replayed.Document.Timestamp, replayed.Document.Ttl));
        Assert.Equal("""{"id":"other","title":"after it"}""", JournalSamples.Json(changes[1].Document));
    }
}
