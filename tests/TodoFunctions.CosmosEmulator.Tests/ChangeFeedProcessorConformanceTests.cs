using System.Collections.Concurrent;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

/// <summary>The SDK's change feed processor with a leases container: delivery, sharing between instances, resuming from checkpoints.</summary>
public sealed class ChangeFeedProcessorConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>, IAsyncLifetime
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    private CosmosClient client = null!;
    private Database database = null!;
    private Container monitored = null!;
    private Container leases = null!;

    public async Task InitializeAsync()
    {
        client = endpoint.CreateClient();
        database = (await client.CreateDatabaseAsync(endpoint.UniqueName("processor"))).Database;
        monitored = (await database.CreateContainerAsync("todos", "/pk")).Container;
        leases = (await database.CreateContainerAsync("leases", "/id")).Container;
    }

    public async Task DisposeAsync() => await database.DeleteAsync();

    [Fact]
    public async Task A_processor_delivers_every_change_once()
    {
        var delivered = new Deliveries();
        var processor = Processor("solo", "instance-a", delivered);
        await processor.StartAsync();

        await WriteAsync("item", 20);
        await delivered.WaitForAsync(20);
        await processor.StopAsync();

        Assert.Equal(Ids("item", 20), delivered.Ids.Order());
    }

    [Fact]
    public async Task Two_instances_sharing_a_leases_container_deliver_every_change_exactly_once_between_them()
    {
        var delivered = new Deliveries();
        var first = Processor("shared", "instance-a", delivered);
        var second = Processor("shared", "instance-b", delivered);
        // One after the other: an instance that finds another initialising the leases sleeps for seconds before it retries.
        await first.StartAsync();
        await second.StartAsync();

        await WriteAsync("shared", 30);
        await delivered.WaitForAsync(30);
        await Task.WhenAll(first.StopAsync(), second.StopAsync());

        Assert.Equal(Ids("shared", 30), delivered.Ids.Order());
    }

    [Fact]
    public async Task A_restarted_processor_resumes_after_its_last_checkpoint()
    {
        var before = new Deliveries();
        var first = Processor("resuming", "instance-a", before);
        await first.StartAsync();
        await WriteAsync("early", 5);
        await before.WaitForAsync(5);
        await first.StopAsync();

        await WriteAsync("late", 5);
        var after = new Deliveries();
        var restarted = Processor("resuming", "instance-b", after);
        await restarted.StartAsync();
        await after.WaitForAsync(5);
        await restarted.StopAsync();

        Assert.Equal(Ids("late", 5), after.Ids.Order());
    }

    private ChangeFeedProcessor Processor(string name, string instance, Deliveries delivered) =>
        monitored.GetChangeFeedProcessorBuilder<JObject>(name, (IReadOnlyCollection<JObject> changes, CancellationToken _) =>
            {
                delivered.Add(changes);
                return Task.CompletedTask;
            })
            .WithInstanceName(instance)
            .WithLeaseContainer(leases)
            .WithStartTime(DateTime.MinValue.ToUniversalTime())
            .WithPollInterval(TimeSpan.FromMilliseconds(100))
            .WithLeaseConfiguration(acquireInterval: TimeSpan.FromMilliseconds(200))
            .Build();

    private async Task WriteAsync(string prefix, int count)
    {
        foreach (var id in Ids(prefix, count))
            await monitored.CreateItemAsync(new JObject { ["id"] = id, ["pk"] = $"p{id.Length % 3}" }, new PartitionKey($"p{id.Length % 3}"));
    }

    private static IEnumerable<string> Ids(string prefix, int count) =>
        Enumerable.Range(0, count).Select(index => $"{prefix}-{index:D2}").Order();

    /// <summary>Every id a handler received, duplicates included, and a way to wait for a number of them.</summary>
    private sealed class Deliveries
    {
        private readonly ConcurrentQueue<string> ids = new();

        public IReadOnlyList<string> Ids => [.. ids];

        public void Add(IEnumerable<JObject> changes)
        {
            foreach (var change in changes)
                ids.Enqueue(change.Value<string>("id")!);
        }

        public async Task WaitForAsync(int count)
        {
            using var timeout = new CancellationTokenSource(DeliveryTimeout);
            while (ids.Count < count)
                await Task.Delay(50, timeout.Token);
        }
    }
}
