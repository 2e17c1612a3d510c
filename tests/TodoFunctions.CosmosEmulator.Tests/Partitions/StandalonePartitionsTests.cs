using Microsoft.Azure.Cosmos;
using TodoFunctions.CosmosEmulator.Tests.Persistence;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Partitions;

/// <summary>The standalone emulator's <c>--partitions</c> flag.</summary>
public sealed class StandalonePartitionsTests
{
    [EmbeddedEmulatorFact]
    public async Task The_partitions_flag_gives_every_new_container_that_many_ranges()
    {
        using var emulator = StandaloneEmulatorProcess.Start("--port", "0", "--http", "--partitions", "3");
        var connectionString = await emulator.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        using var client = new CosmosClient(connectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });

        var container = (await (await client.CreateDatabaseAsync("standalone")).Database.CreateContainerAsync("todos", "/pk")).Container;

        Assert.Equal(3, (await container.GetFeedRangesAsync()).Count);
    }
}
