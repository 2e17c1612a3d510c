using System.Collections.Concurrent;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>
/// kill -9 in the middle of an online compaction, at each of its steps, while writes run: the standalone emulator
/// reopens with every acknowledged write. A small compaction threshold makes compactions frequent, and a pause
/// between their steps (<c>--compaction-step-delay-ms</c>) leaves time to see which step one is at.
/// </summary>
public sealed class CompactionCrashTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private const int Writers = 4;
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("compaction-crash-").FullName;

    // id → ETag of every acknowledged create; null once its delete was acknowledged.
    private readonly ConcurrentDictionary<string, string?> acknowledged = new();
    private readonly ConcurrentQueue<Exception> failuresBeforeTheKill = new();
    private volatile bool killing;

    public CompactionCrashTests() => Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    private static readonly string[] Steps = ["folding after the switch to a new segment", "writing the checkpoint", "checkpoint complete, replaced files not deleted yet"];

    [Fact]
    public async Task Every_acknowledged_write_survives_kill_9_at_each_step_of_an_online_compaction()
    {
        var round = 0;
        foreach (var step in Steps)
        {
            using var emulator = Start();
            using var client = CreateClient(await emulator.WaitUntilListeningAsync(StartTimeout));
            var container = await ContainerAsync(client);
            await AssertAcknowledgedWritesAsync(container, $"after the kill {step}");

            using var killed = new CancellationTokenSource();
            killing = false;
            var writers = Enumerable.Range(0, Writers).Select(writer => WriteUntilKilledAsync(container, $"{round}-{writer}", killed.Token)).ToList();
            await WaitForStepAsync(step, emulator);
            killing = true;
            emulator.KillHard();
            await killed.CancelAsync();
            await Task.WhenAll(writers);
            round++;
        }
        Assert.Empty(failuresBeforeTheKill);

        using var restarted = Start();
        using var clientAfterCrashes = CreateClient(await restarted.WaitUntilListeningAsync(StartTimeout));
        await AssertAcknowledgedWritesAsync(await ContainerAsync(clientAfterCrashes), "after the last kill");
        Assert.True(acknowledged.Values.Count(etag => etag is null) > 0, "no delete was acknowledged");
    }

    private StandaloneEmulatorProcess Start() => StandaloneEmulatorProcess.Start(
        "--http", "--port", "0", "--data-dir", dataDirectory, "--compact-after-mb", "1", "--compaction-step-delay-ms", "300");

    // Creates items of about 2 KB; every fourth, deletes one created before. A write cut off by the kill was never
    // acknowledged, so the item it touches is left out of the check.
    private async Task WriteUntilKilledAsync(Container container, string writer, CancellationToken killed)
    {
        var padding = new string('x', 2000);
        for (var index = 0; !killed.IsCancellationRequested; index++)
        {
            try
            {
                var id = $"{writer}-{index}";
                var created = await container.CreateItemAsync(new Item(id, writer, padding), new PartitionKey(writer), cancellationToken: killed);
                acknowledged[id] = created.ETag;
                if (index % 4 == 3 && acknowledged.TryRemove($"{writer}-{index - 2}", out _))
                {
                    await container.DeleteItemAsync<Item>($"{writer}-{index - 2}", new PartitionKey(writer), cancellationToken: killed);
                    acknowledged[$"{writer}-{index - 2}"] = null;
                }
            }
            catch (Exception failure)
            {
                if (!killing)
                    failuresBeforeTheKill.Enqueue(failure);
                return;
            }
        }
    }

    private async Task AssertAcknowledgedWritesAsync(Container container, string when)
    {
        var stored = new Dictionary<string, string>();
        using var items = container.GetItemQueryIterator<Stored>("SELECT c.id, c._etag FROM c");
        while (items.HasMoreResults)
            foreach (var item in await items.ReadNextAsync())
                stored[item.id] = item._etag;
        foreach (var (id, etag) in acknowledged)
        {
            if (etag is null)
                Assert.False(stored.ContainsKey(id), $"{id}, deleted, is back {when}");
            else
                Assert.True(stored.GetValueOrDefault(id) == etag, $"{id} is {stored.GetValueOrDefault(id) ?? "missing"} instead of {etag} {when}");
        }
    }

    // The step is seen in the data directory's names (see JournalSegments): segments journal-N.jsonl, checkpoints
    // checkpoint-N/ complete or checkpoint-N.tmp/ being written.
    private async Task WaitForStepAsync(string step, StandaloneEmulatorProcess emulator)
    {
        using var timeout = new CancellationTokenSource(StepTimeout);
        while (!ReachedStep(step))
        {
            if (timeout.IsCancellationRequested)
                throw new TimeoutException($"No compaction reached '{step}' within {StepTimeout}:\n{emulator.Output}");
            await Task.Delay(5);
        }
    }

    private bool ReachedStep(string step)
    {
        var names = Directory.EnumerateFileSystemEntries(dataDirectory).Select(Path.GetFileName).OfType<string>().ToList();
        var checkpoints = names.Where(name => name.StartsWith("checkpoint-", StringComparison.Ordinal) && !name.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(name => long.Parse(name["checkpoint-".Length..])).DefaultIfEmpty(-1).Max();
        var segments = names.Where(name => name.StartsWith("journal-", StringComparison.Ordinal))
            .Select(name => long.Parse(name["journal-".Length..^".jsonl".Length])).ToList();
        var writingCheckpoint = names.Any(name => name.EndsWith(".tmp", StringComparison.Ordinal));
        return step switch
        {
            "folding after the switch to a new segment" => !writingCheckpoint && segments.Count(number => number > checkpoints) >= 2,
            "writing the checkpoint" => writingCheckpoint,
            _ => segments.Any(number => number <= checkpoints),
        };
    }

    private static async Task<Container> ContainerAsync(CosmosClient client)
    {
        var database = (await client.CreateDatabaseIfNotExistsAsync("crash")).Database;
        return (await database.CreateContainerIfNotExistsAsync("compacted", "/pk")).Container;
    }

    private static CosmosClient CreateClient(string connectionString) =>
        new(connectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });

    private sealed record Item(string id, string pk, string padding);

    private sealed record Stored(string id, string _etag);
}
