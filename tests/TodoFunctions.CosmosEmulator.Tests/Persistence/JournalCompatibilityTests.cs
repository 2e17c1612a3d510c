using System.Text.RegularExpressions;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>
/// A data directory written by any earlier build opens, or the emulator says which line of which file it cannot
/// read. The journals are crafted from lines a real emulator wrote, then damaged the way earlier builds did.
/// </summary>
public sealed class JournalCompatibilityTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("journal-compatibility-").FullName;

    public JournalCompatibilityTests() => Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

    // Earlier builds kept the whole journal in this one file.
    private string JournalPath => Path.Combine(dataDirectory, "journal.jsonl");

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    [EmbeddedEmulatorFact]
    public async Task Writes_an_earlier_build_journaled_after_a_deletion_or_to_missing_owners_are_dropped_and_the_rest_opens()
    {
        await WriteAccountAsync();
        var lines = File.ReadAllLines(JournalPath);
        var goneWrite = Line(lines, "documentsChanged", "gone");
        var goneCreation = Line(lines, "containerCreated", "gone");
        File.AppendAllLines(JournalPath,
        [
            goneWrite,
            goneCreation,
            goneWrite.Replace("\"container\":\"gone\"", "\"container\":\"never-created\""),
            Line(lines, "containerCreated", "kept").Replace("\"database\":\"db\"", "\"database\":\"never-created\""),
            goneWrite.Replace("\"database\":\"db\"", "\"database\":\"never-created\""),
        ]);

        await using var reopened = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory });
        using var client = Client(reopened);

        var containers = await client.GetDatabase("db").GetContainerQueryIterator<ContainerProperties>().ReadNextAsync();
        Assert.Equal(["kept"], containers.Select(container => container.Id));
        var kept = await client.GetContainer("db", "kept").ReadItemAsync<Item>("a", new PartitionKey("p"));
        Assert.Equal("kept", kept.Resource.title);
        var databases = await client.GetDatabaseQueryIterator<DatabaseProperties>().ReadNextAsync();
        Assert.Equal(["db"], databases.Select(database => database.Id));
    }

    [EmbeddedEmulatorFact]
    public async Task A_line_that_is_not_json_is_reported_with_the_journal_path_and_its_line_number()
    {
        await WriteAccountAsync();
        var lines = File.ReadAllLines(JournalPath).ToList();
        lines.Insert(2, "{\"kind\":\"documentsCh");
        File.WriteAllLines(JournalPath, lines);

        var failure = await Assert.ThrowsAsync<InvalidDataException>(StartAsync);

        Assert.StartsWith($"The journal '{JournalPath}' is damaged at line 3: ", failure.Message);
    }

    [EmbeddedEmulatorFact]
    public async Task A_value_of_the_wrong_type_is_reported_with_the_journal_path_and_its_line_number()
    {
        File.WriteAllLines(JournalPath,
        [
            """{"kind":"databaseCreated","database":"db","resource":{"id":"db","_rid":"AQAAAA=="}}""",
            """{"kind":"documentsChanged","database":"db","container":"c","changes":[{"partitionKey":"[\"p\"]","id":"a","document":null,"lsn":"seven"}]}""",
        ]);

        var failure = await Assert.ThrowsAsync<InvalidDataException>(StartAsync);

        Assert.StartsWith($"The journal '{JournalPath}' is damaged at line 2: ", failure.Message);
    }

    [EmbeddedEmulatorFact]
    public async Task An_entry_that_reads_but_cannot_be_replayed_is_reported_with_the_journal_path_and_its_line_number()
    {
        File.WriteAllLines(JournalPath,
        [
            """{"kind":"databaseCreated","database":"db","resource":{"id":"db","_rid":"AQAAAA=="}}""",
            """{"kind":"containerCreated","database":"db","container":"c","resource":{"id":"c","_rid":"AQAAAIAAAAE="}}""",
        ]);

        var failure = await Assert.ThrowsAsync<InvalidDataException>(StartAsync);

        Assert.StartsWith($"The journal '{JournalPath}' is damaged at line 2: ", failure.Message);
    }

    [EmbeddedEmulatorFact]
    public async Task An_item_whose_rid_is_not_a_documents_is_reported_with_the_journal_path_its_line_number_and_why()
    {
        await using (var emulator = await StartAsync())
        {
            using var client = Client(emulator);
            var container = (await (await client.CreateDatabaseAsync("db")).Database.CreateContainerAsync("c", "/pk")).Container;
            await container.CreateItemAsync(new Item("a", "p", "written"));
        }
        var segment = Path.Combine(dataDirectory, "journal-000001.jsonl");
        var lines = File.ReadAllLines(segment);
        var write = Array.FindIndex(lines, line => line.Contains("\"kind\":\"documentsChanged\""));
        lines[write] = Regex.Replace(lines[write], "\"_rid\":\"[^\"]+\"", "\"_rid\":\"AQAAAA==\"");
        File.WriteAllLines(segment, lines);

        var failure = await Assert.ThrowsAsync<InvalidDataException>(StartAsync);

        Assert.Equal($"The journal '{segment}' is damaged at line {write + 1}: The item 'a' has no document resource id in its _rid.", failure.Message);
    }

    [Fact]
    public async Task The_standalone_emulator_refuses_a_damaged_journal_with_one_line_and_a_non_zero_exit_code()
    {
        File.WriteAllLines(JournalPath, ["""{"kind":"databaseCreated","database":"db","resource":{"id":"db","_rid":"AQAAAA=="}}""", "garbage", "{}"]);

        using var emulator = StandaloneEmulatorProcess.Start("--http", "--port", "0", "--data-dir", dataDirectory);
        var exitCode = await emulator.WaitForExitAsync(ExitTimeout);

        Assert.NotEqual(0, exitCode);
        var printed = emulator.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"The journal '{JournalPath}' is damaged at line 2: ", Assert.Single(printed));
    }

    private async Task WriteAccountAsync()
    {
        await using (var emulator = await StartAsync())
        {
            using var client = Client(emulator);
            var database = (await client.CreateDatabaseAsync("db")).Database;
            var kept = (await database.CreateContainerAsync("kept", "/pk")).Container;
            await kept.CreateItemAsync(new Item("a", "p", "kept"));
            var gone = (await database.CreateContainerAsync("gone", "/pk")).Container;
            await gone.CreateItemAsync(new Item("b", "p", "deleted with its container"));
            await gone.DeleteContainerAsync();
        }
        // Today's segments hold lines as earlier builds wrote them, which kept them all in one file.
        File.Move(Path.Combine(dataDirectory, "journal-000001.jsonl"), JournalPath);
    }

    private Task<CosmosEmulatorServer> StartAsync() =>
        CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory });

    private static CosmosClient Client(CosmosEmulatorServer emulator) =>
        new(emulator.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway });

    private static string Line(string[] lines, string kind, string container) =>
        lines.Single(line => line.Contains($"\"kind\":\"{kind}\"") && line.Contains($"\"container\":\"{container}\""));

    private sealed record Item(string id, string pk, string title);
}
