using System.Text;
using Newtonsoft.Json;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// Reads a journal file (a segment or a checkpoint file: one entry per line) as a stream of entries, parsed straight
/// from the file stream, each with the line it starts on so a damaged one can be named.
/// </summary>
internal static class JournalFile
{
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private const int BufferBytes = 1 << 16;

    public static IEnumerable<(JournalEntry Entry, int LineNumber)> Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferBytes, FileOptions.SequentialScan);
        using var text = new StreamReader(file, Utf8, detectEncodingFromByteOrderMarks: false, BufferBytes);
        // Dates stay strings: a document must come back byte for byte as it was written.
        using var json = new JsonTextReader(text) { SupportMultipleContent = true, DateParseHandling = DateParseHandling.None };
        var previousLine = 0;
        while (Next(path, json, previousLine) is { } next)
        {
            previousLine = json.LineNumber;
            yield return next;
        }
    }

    /// <summary>Applies every entry of the file in order; whatever makes an entry fail, the message names its line.</summary>
    public static void Replay(string path, Action<JournalEntry> apply)
    {
        foreach (var (entry, lineNumber) in Read(path))
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

    // An entry that spans lines (a torn write followed by the next entry) is reported at the line it starts on; a
    // line that does not even start one, at the line after the previous entry (the reader says line 0 there).
    private static (JournalEntry, int)? Next(string path, JsonTextReader json, int previousLine)
    {
        int? startLine = null;
        try
        {
            if (!json.Read())
                return null;
            startLine = json.LineNumber;
            return (JournalLine.Read(json), startLine.Value);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw Damaged(path, startLine ?? previousLine + 1, exception);
        }
    }
}
