using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>Replay takes each document as its bytes in the journal: what a read returns after a restart must be
/// exactly what it returned before, and the values the store reads on the way must be those Newtonsoft reads.</summary>
public sealed class RawReplayTests : IDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("raw-replay-").FullName;

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    public static TheoryData<string> Documents => new()
    {
        """{"id":"plain","_rid":"AQAAAIAAAAEBAAAAAAAAAA==","_ts":1764000000,"ttl":60}""",
        """{"id":"url-safe-rid","_rid":"AQAAAIAAAAE-AAAAAAAAAA==","_ts":5}""",
        """{"id":"escapes","text":"line\nbreak \"quoted\" \\ tab\t ünïcødé € 😀 \u0001","_ts":1}""",
        """{"id":"numbers","a":1.0,"b":1E+300,"c":-0.0,"d":123456789012345678901234567890,"e":0.1,"f":-7,"_ts":2}""",
        """{"id":"dates","at":"2024-05-01T10:00:00.1234567Z","offset":"2024-05-01T10:00:00+02:00","_ts":3}""",
        """{"id":"not-whole","ttl":5.5,"_ts":4.5}""",
        """{"id":"nested","inner":{"ttl":30,"_ts":9,"_rid":"x"},"list":[{"ttl":1}],"_rid":"AQAAAIAAAAECAAAAAAAAAA=="}""",
        """{"id":"wrong-types","ttl":"60","_ts":null,"_rid":7}""",
        """{"id":"deep","d":""" + string.Concat(Enumerable.Repeat("""{"n":""", 60)) + "1" + new string('}', 60) + "}",
        """{"id":"empty","o":{},"a":[],"s":"","n":null,"t":true,"f":false}""",
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void A_replayed_document_is_byte_for_byte_what_was_stored_with_its_values_read_as_Newtonsoft_reads_them(string json)
    {
        var body = (JObject)Json.Parse(json);
        var stored = DocumentJson.From(body);
        using (var journal = new FileJournal(dataDirectory))
        {
            journal.Append(new DatabaseCreated("db", new JObject { ["id"] = "db" }));
            journal.Append(new DocumentsChanged("db", "c", [new DocumentChange("[\"pk\"]", body.Value<string>("id")!, stored, 3)]));
        }

        using var reopened = new FileJournal(dataDirectory);
        var replayed = Assert.Single(Assert.IsType<DocumentsChanged>(JournalSamples.ReadAll(reopened)[1]).Changes).Document!;

        Assert.Equal(Json.Compact(body), JournalFile.Utf8.GetString(replayed.Utf8));
        Assert.Equal(stored.Utf8, replayed.Utf8);
        Assert.Equal((stored.DocumentNumber, stored.Timestamp, stored.Ttl), (replayed.DocumentNumber, replayed.Timestamp, replayed.Ttl));
    }

    [Fact]
    public void A_resource_id_journaled_with_escapes_reads_as_the_same_number()
    {
        var line = """{"kind":"documentsChanged","database":"db","container":"c","changes":[{"partitionKey":"[\"pk\"]","id":"a","document":{"id":"a","_rid":"AQAAAIAAAAEDAAAAAAAAAA\u003d\u003d"},"lsn":1}]}""";

        var change = Assert.Single(Assert.IsType<DocumentsChanged>(JournalLine.Read(JournalFile.Utf8.GetBytes(line))).Changes);

        Assert.Equal(3UL, change.Document!.DocumentNumber);
    }
}
