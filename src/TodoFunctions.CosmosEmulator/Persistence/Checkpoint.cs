using System.Runtime.ExceptionServices;
using Newtonsoft.Json;

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

    /// <summary>Writes the account into <paramref name="directory"/>, each file on disk before the next begins;
    /// <paramref name="afterEachFile"/> runs between files (where a compaction may be stopped).</summary>
    public static void Write(FoldedAccount account, string directory, Action afterEachFile)
    {
        Directory.CreateDirectory(directory);
        WriteFile(Path.Combine(directory, AccountFileName), text => WriteAccount(account, text));
        afterEachFile();
        var index = 0;
        foreach (var container in account.Containers)
        {
            WriteFile(Path.Combine(directory, $"container-{++index:D5}.jsonl"), text => WriteDocuments(container, text));
            afterEachFile();
        }
    }

    /// <summary>The whole account in one journal file, in replay order.</summary>
    public static void WriteSingleFile(FoldedAccount account, string path) =>
        WriteFile(path, text =>
        {
            WriteAccount(account, text);
            foreach (var container in account.Containers)
                WriteDocuments(container, text);
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

    private static void WriteAccount(FoldedAccount account, TextWriter text)
    {
        foreach (var entry in account.AccountEntries())
        {
            text.Write(JournalLine.Write(entry));
            text.Write('\n');
        }
    }

    private static void WriteDocuments(IFoldedContainer container, TextWriter text)
    {
        foreach (var chunk in container.Changes())
        {
            using (var json = new JsonTextWriter(text) { Formatting = Formatting.None, CloseOutput = false })
                JournalLine.WriteDocuments(json, container.Database, container.Name, chunk);
            text.Write('\n');
        }
    }

    private static void WriteFile(string path, Action<TextWriter> write)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes);
        using (var text = new StreamWriter(file, JournalFile.Utf8, BufferBytes, leaveOpen: true))
            write(text);
        file.Flush(flushToDisk: true);
    }
}
