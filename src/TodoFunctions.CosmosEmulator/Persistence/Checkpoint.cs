using System.Runtime.ExceptionServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// A folded account written as a directory of journal files: <c>account.jsonl</c> holds the databases and containers
/// (with their partition key ranges, and the latest deleted ones, whose resource ids must not come back), and each
/// container's documents are in a file of their own, so containers can be replayed in parallel.
/// </summary>
internal static class Checkpoint
{
    private const string AccountFileName = "account.jsonl";
    private const string ContainerFilePattern = "container-*.jsonl";
    private const int BufferBytes = 1 << 16;

    // Only what JSON requires is escaped; documents are copied as the valid JSON they were read or stored as.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the account into <paramref name="directory"/>, each file on disk before the next begins;
    /// <paramref name="afterEachFile"/> runs between files (where a compaction may be stopped),
    /// <paramref name="afterEachEntry"/> after each entry (where it may rest).</summary>
    public static void Write(FoldedAccount account, string directory, Action afterEachFile, Action afterEachEntry)
    {
        Directory.CreateDirectory(directory);
        WriteFile(Path.Combine(directory, AccountFileName), file => WriteAccount(account, file));
        afterEachFile();
        var index = 0;
        foreach (var container in account.Containers)
        {
            WriteFile(Path.Combine(directory, $"container-{++index:D5}.jsonl"), file => WriteDocuments(container, file, afterEachEntry));
            afterEachFile();
        }
    }

    /// <summary>The whole account in one journal file, in replay order.</summary>
    public static void WriteSingleFile(FoldedAccount account, string path) =>
        WriteFile(path, file =>
        {
            WriteAccount(account, file);
            foreach (var container in account.Containers)
                WriteDocuments(container, file, () => { });
        });

    /// <summary>The entries in an order replay accepts: the account first, then each container's documents.</summary>
    public static IEnumerable<JournalEntry> Read(string directory) =>
        Files(directory).SelectMany(JournalFile.Read).Select(read => read.Entry);

    /// <summary>Replays the account file in order, then the container files concurrently (each one in order).</summary>
    public static void Replay(string directory, Action<JournalEntry> apply)
    {
        var files = Files(directory);
        JournalFile.Replay(files[0], apply);
        try
        {
            Parallel.ForEach(files.Skip(1), file => JournalFile.Replay(file, apply));
        }
        catch (AggregateException failure)
        {
            ExceptionDispatchInfo.Throw(failure.InnerExceptions[0]);
        }
    }

    private static List<string> Files(string directory) =>
        [Path.Combine(directory, AccountFileName), .. Directory.GetFiles(directory, ContainerFilePattern).Order(StringComparer.Ordinal)];

    private static void WriteAccount(FoldedAccount account, Stream file)
    {
        foreach (var entry in account.AccountEntries())
            file.Write(JournalFile.Utf8.GetBytes(JournalLine.Write(entry) + "\n"));
    }

    // The documentsChanged entries JournalLine reads, written from the folded UTF-8 bytes: a document is never
    // decoded to text, which would double the garbage a compaction leaves for the collector.
    private static void WriteDocuments(IFoldedContainer container, Stream file, Action afterEachEntry)
    {
        using var json = new Utf8JsonWriter(file, WriterOptions);
        foreach (var chunk in container.Changes())
        {
            json.WriteStartObject();
            json.WriteString("kind"u8, "documentsChanged"u8);
            json.WriteString("database"u8, container.Database);
            json.WriteString("container"u8, container.Name);
            json.WriteStartArray("changes"u8);
            foreach (var change in chunk)
            {
                json.WriteStartObject();
                json.WriteString("partitionKey"u8, change.PartitionKeyJson.Span);
                json.WriteString("id"u8, change.Id.Span);
                json.WritePropertyName("document"u8);
                if (change.Document is { } document)
                    json.WriteRawValue(document.Span, skipInputValidation: true);
                else
                    json.WriteNullValue();
                json.WriteNumber("lsn"u8, change.Lsn);
                json.WriteEndObject();
                if (json.BytesPending >= BufferBytes)
                    json.Flush();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            file.WriteByte((byte)'\n');
            // The next entry is a new JSON value on a line of its own.
            json.Reset();
            afterEachEntry();
        }
    }

    private static void WriteFile(string path, Action<FileStream> write)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes);
        write(file);
        file.Flush(flushToDisk: true);
    }
}
