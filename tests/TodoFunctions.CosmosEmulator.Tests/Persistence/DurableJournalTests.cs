using System.Globalization;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>The durable option reaches the journal: its file is opened write-through, so every append is on disk
/// before the write is acknowledged. Linux shows how a file descriptor was opened in /proc/self/fdinfo.</summary>
public sealed class DurableJournalTests : IDisposable
{
    // O_DSYNC, in the octal "flags" of /proc/self/fdinfo: each write returns only once its data is on disk.
    private const int DataSync = 0x1000;
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("durable-journal-").FullName;

    // The segment appends go to in a new data directory.
    private string JournalPath => Path.Combine(dataDirectory, "journal-000001.jsonl");

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    [EmbeddedEmulatorFact]
    public async Task A_durable_emulator_writes_its_journal_through_to_disk_and_a_default_one_does_not()
    {
        if (!OperatingSystem.IsLinux())
            return;

        await using (await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory, Durable = true }))
            Assert.NotEqual(0, JournalOpenFlags("self") & DataSync);

        await using (await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory }))
            Assert.Equal(0, JournalOpenFlags("self") & DataSync);
    }

    [Fact]
    public async Task The_standalone_emulator_with_durable_writes_its_journal_through_to_disk()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var emulator = StandaloneEmulatorProcess.Start("--http", "--port", "0", "--data-dir", dataDirectory, "--durable");
        await emulator.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, JournalOpenFlags(emulator.ProcessId.ToString(CultureInfo.InvariantCulture)) & DataSync);
    }

    private int JournalOpenFlags(string process)
    {
        var descriptor = new DirectoryInfo($"/proc/{process}/fd").EnumerateFileSystemInfos()
            .Single(link => link.LinkTarget == JournalPath).Name;
        var flags = File.ReadLines($"/proc/{process}/fdinfo/{descriptor}").Single(line => line.StartsWith("flags:", StringComparison.Ordinal));
        return Convert.ToInt32(flags["flags:".Length..].Trim(), 8);
    }
}
