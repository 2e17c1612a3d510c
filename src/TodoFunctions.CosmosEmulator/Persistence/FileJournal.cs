using System.Text;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// A journal in a data directory: an append-only JSON-lines file whose every entry is handed to the operating
/// system before <see cref="Append"/> returns, so acknowledged writes survive the process being killed; when
/// durable, written through to the disk itself, so they survive a power loss too.
/// Opening it compacts the file (atomically, through a temporary file) so it does not grow across restarts.
/// </summary>
public sealed class FileJournal : IJournal
{
    public const string FileName = "journal.jsonl";
    private const string LockFileName = "journal.lock";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly string path;
    private readonly FileStream directoryLock;
    private readonly FileStream appender;
    private readonly Lock gate = new();

    public FileJournal(string dataDirectory, bool durable = false)
    {
        Directory.CreateDirectory(dataDirectory);
        path = Path.Combine(dataDirectory, FileName);
        directoryLock = LockDirectory(dataDirectory);
        try
        {
            Compact();
            // No buffer: each line reaches the operating system in one write call, while Append runs. Write-through
            // (O_SYNC) makes that call return only once the line is on the disk, as an fsync after it would.
            appender = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0,
                durable ? FileOptions.WriteThrough : FileOptions.None);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    public void Append(JournalEntry entry)
    {
        var line = Utf8.GetBytes(JournalLine.Write(entry) + "\n");
        lock (gate)
        {
            appender.Write(line);
            appender.Flush(flushToDisk: false);
        }
    }

    public void Replay(Action<JournalEntry> apply)
    {
        foreach (var (entry, lineNumber) in ReadEntries(path))
        {
            try
            {
                apply(entry);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                throw Damaged(path, lineNumber, exception);
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            appender.Dispose();
            directoryLock.Dispose();
        }
    }

    // Two emulators appending to one file would interleave their histories; the OS drops the lock when a process dies.
    private static FileStream LockDirectory(string dataDirectory)
    {
        var lockPath = Path.Combine(dataDirectory, LockFileName);
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new IOException($"The data directory '{dataDirectory}' is in use by another emulator.", exception);
        }
    }

    private void Compact()
    {
        var compacted = File.Exists(path) ? JournalCompaction.Compact(ReadEntries(path).Select(line => line.Entry)) : [];
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(file, Utf8))
        {
            foreach (var entry in compacted)
            {
                writer.Write(JournalLine.Write(entry));
                writer.Write('\n');
            }
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    // A line without its newline is a write cut short by a crash, never acknowledged: it is skipped. Any other
    // unreadable line means the file was damaged, and replaying around it would silently lose data.
    private static IEnumerable<(JournalEntry Entry, int LineNumber)> ReadEntries(string path)
    {
        var endsWithNewline = EndsWithNewline(path);
        string? previous = null;
        var lineNumber = 0;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file, Utf8);
        while (reader.ReadLine() is { } line)
        {
            if (previous is not null)
                yield return (Parse(path, previous, lineNumber), lineNumber);
            previous = line;
            lineNumber++;
        }
        if (previous is not null && endsWithNewline)
            yield return (Parse(path, previous, lineNumber), lineNumber);
    }

    private static bool EndsWithNewline(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (file.Length == 0)
            return true;
        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() == '\n';
    }

    // Whatever a line makes fail, reading or replaying it, the line is damaged: the message says which one.
    private static JournalEntry Parse(string path, string line, int lineNumber)
    {
        try
        {
            return JournalLine.Read(line);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw Damaged(path, lineNumber, exception);
        }
    }

    private static InvalidDataException Damaged(string path, int lineNumber, Exception exception) =>
        new($"The journal '{path}' is damaged at line {lineNumber}: {exception.Message}", exception);
}
