using System.Text;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// Reads a journal file (a segment or a checkpoint file: one entry per line) as a stream of entries, each line parsed
/// from the file's bytes as it is read, with its number so a damaged one can be named.
/// </summary>
internal static class JournalFile
{
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private const int BufferBytes = 1 << 16;

    public static IEnumerable<(JournalEntry Entry, int LineNumber)> Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
        var buffer = new byte[BufferBytes];
        var (start, end, lineNumber, atEnd) = (0, 0, 0, false);
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline < 0 && !atEnd)
            {
                // Keeps the unfinished line, in a larger buffer if it fills this one, and reads on.
                if (end - start == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
                else if (start > 0)
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                (end, start) = (end - start, 0);
                var read = file.Read(buffer, end, buffer.Length - end);
                atEnd = read == 0;
                end += read;
                continue;
            }
            var length = newline < 0 ? end - start : newline;
            if (newline < 0 && length == 0)
                yield break;
            lineNumber++;
            var entry = Parse(path, buffer.AsSpan(start, length), lineNumber);
            start += newline < 0 ? length : length + 1;
            if (entry is not null)
                yield return (entry, lineNumber);
        }
    }

    // Enough parsed entries to keep the thread applying them busy, few enough to hold little memory.
    private const int EntriesReadAhead = 64;

    /// <summary>Applies every entry of the file in order; whatever makes an entry fail, the message names its line.</summary>
    public static void Replay(string path, Action<JournalEntry> apply) => Replay(path, Read(path), apply);

    /// <summary>As <see cref="Replay(string, Action{JournalEntry})"/>, parsing on another thread meanwhile.</summary>
    public static void ReplayReadingAhead(string path, Action<JournalEntry> apply) =>
        Replay(path, ReadAhead.Of(Read(path), EntriesReadAhead), apply);

    private static void Replay(string path, IEnumerable<(JournalEntry Entry, int LineNumber)> entries, Action<JournalEntry> apply)
    {
        foreach (var (entry, lineNumber) in entries)
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

    private static InvalidDataException Damaged(string path, int lineNumber, Exception exception) =>
        new($"The journal '{path}' is damaged at line {lineNumber}: {exception.Message}", exception);

    /// <summary>Cuts a write that a crash left without its newline: it was never acknowledged, and the next append
    /// must start on a line of its own.</summary>
    public static void TruncateTornLine(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var end = file.Length;
        var buffer = new byte[4096];
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            file.Seek(start, SeekOrigin.Begin);
            file.ReadExactly(buffer, 0, (int)(end - start));
            var newline = Array.LastIndexOf(buffer, (byte)'\n', (int)(end - start) - 1);
            if (newline >= 0)
            {
                end = start + newline + 1;
                break;
            }
            end = start;
        }
        if (end < file.Length)
            file.SetLength(end);
    }

    // A blank line holds no entry; any other that cannot be read is damage, named by its line.
    private static JournalEntry? Parse(string path, ReadOnlySpan<byte> line, int lineNumber)
    {
        if (line.Trim(" \t\r"u8).IsEmpty)
            return null;
        try
        {
            return JournalLine.Read(line);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw Damaged(path, lineNumber, exception);
        }
    }
}
