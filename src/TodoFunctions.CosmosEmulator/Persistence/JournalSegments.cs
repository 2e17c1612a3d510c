using System.Globalization;
using System.Runtime.InteropServices;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// The files of a data directory. Appends go to the highest numbered segment, <c>journal-NNNNNN.jsonl</c>.
/// A checkpoint <c>checkpoint-NNNNNN/</c> holds the account as it was after every segment up to its number; it is
/// written as <c>checkpoint-NNNNNN.tmp/</c> and is complete once renamed, so the name alone says which one to trust.
/// The data directory of earlier builds, one <c>journal.jsonl</c>, is segment 0: older than every other.
/// Tests derive from it to make opening or removing a file fail, as a full or failing disk would.
/// </summary>
internal class JournalSegments(string directory)
{
    public const long LegacySegment = 0;
    public const long NoCheckpoint = -1;
    private const string LegacyFileName = "journal.jsonl";
    private const string SegmentPrefix = "journal-";
    private const string SegmentSuffix = ".jsonl";
    private const string CheckpointPrefix = "checkpoint-";
    private const string TemporarySuffix = ".tmp";

    public string Directory { get; } = directory;

    public string SegmentPath(long number) => Path.Combine(Directory,
        number == LegacySegment ? LegacyFileName : $"{SegmentPrefix}{number.ToString("D6", CultureInfo.InvariantCulture)}{SegmentSuffix}");

    public string CheckpointPath(long number) => Path.Combine(Directory, $"{CheckpointPrefix}{number.ToString("D6", CultureInfo.InvariantCulture)}");

    public static string TemporaryPath(string checkpointPath) => checkpointPath + TemporarySuffix;

    /// <summary>The segments after <paramref name="checkpoint"/>, oldest first.</summary>
    public List<long> SegmentsAfter(long checkpoint) =>
        System.IO.Directory.EnumerateFiles(Directory)
            .Select(SegmentNumber)
            .OfType<long>()
            .Where(number => number > checkpoint)
            .Order()
            .ToList();

    /// <summary>The bytes a start reads: the files of <paramref name="checkpoint"/> and the segments after it.</summary>
    public long BytesFrom(long checkpoint) =>
        SegmentBytes(SegmentsAfter(checkpoint))
        + (checkpoint == NoCheckpoint ? 0 : new DirectoryInfo(CheckpointPath(checkpoint)).EnumerateFiles().Sum(file => file.Length));

    public long SegmentBytes(IEnumerable<long> segments) => segments.Sum(number => new FileInfo(SegmentPath(number)).Length);

    /// <summary>
    /// After a crash: keeps the latest complete checkpoint and what follows it; removes unfinished checkpoints and
    /// whatever a complete one replaced (older checkpoints, the segments it covers), which a compaction stopped
    /// before deleting. Returns the checkpoint's number, or <see cref="NoCheckpoint"/>.
    /// </summary>
    public long Recover()
    {
        var checkpoints = System.IO.Directory.EnumerateDirectories(Directory).ToList();
        foreach (var unfinished in checkpoints.Where(path => Number(path, CheckpointPrefix, TemporarySuffix) is not null))
            System.IO.Directory.Delete(unfinished, recursive: true);
        var latest = checkpoints.Select(path => Number(path, CheckpointPrefix, "")).OfType<long>().DefaultIfEmpty(NoCheckpoint).Max();
        RemoveReplacedBy(latest);
        return latest;
    }

    /// <summary>Deletes the checkpoints older than <paramref name="checkpoint"/> and the segments it covers.</summary>
    public void RemoveReplacedBy(long checkpoint)
    {
        foreach (var older in System.IO.Directory.EnumerateDirectories(Directory)
                     .Where(path => Number(path, CheckpointPrefix, "") is { } number && number < checkpoint))
            RemoveCheckpoint(older);
        foreach (var segment in System.IO.Directory.EnumerateFiles(Directory)
                     .Where(path => SegmentNumber(path) <= checkpoint))
            File.Delete(segment);
    }

    /// <summary>Opens segment <paramref name="number"/> to append to, creating it if needed. Unbuffered: each line
    /// reaches the operating system in one write call, while Append runs. Write-through (O_SYNC, when
    /// <paramref name="durable"/>) makes that call return only once the line is on the disk, as an fsync after it would.</summary>
    public virtual FileStream OpenForAppend(long number, bool durable)
    {
        var path = SegmentPath(number);
        var created = !File.Exists(path);
        var segment = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0,
            durable ? FileOptions.WriteThrough : FileOptions.None);
        try
        {
            // Written-through lines of a new file are only safe from a power loss once the directory lists the file.
            if (durable && created)
                Sync(Directory);
            return segment;
        }
        catch
        {
            segment.Dispose();
            throw;
        }
    }

    protected virtual void RemoveCheckpoint(string path) => System.IO.Directory.Delete(path, recursive: true);

    /// <summary>Makes the directory's entries (files created, renamed or deleted in it) survive a power loss.</summary>
    public static void Sync(string path)
    {
        // Windows offers no handle on a directory to flush; NTFS journals its metadata itself.
        if (OperatingSystem.IsWindows())
            return;
        var descriptor = Open(path, flags: 0);
        if (descriptor < 0)
            throw new IOException($"Cannot open the directory '{path}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (FileSync(descriptor) != 0)
                throw new IOException($"Cannot flush the directory '{path}' (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            Close(descriptor);
        }
    }

    private static long? SegmentNumber(string path) =>
        Path.GetFileName(path) == LegacyFileName ? LegacySegment : Number(path, SegmentPrefix, SegmentSuffix);

    private static long? Number(string path, string prefix, string suffix)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(prefix.Length, name.Length - prefix.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number
                : null;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FileSync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
