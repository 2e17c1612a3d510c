using System.Net;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Faults;

/// <summary>Which requests a rule hits: by operation, container and partition key, the first N per resource, a
/// seeded probability, a time window; and the same seed hits the same requests however they interleave.</summary>
public sealed class FaultRuleTests
{
    [EmbeddedEmulatorFact]
    public async Task A_rule_for_one_container_leaves_the_others_alone()
    {
        await using var bed = await FaultTestBed.StartAsync();
        var other = (await bed.Client.GetDatabase("faults").CreateContainerAsync("other", "/pk")).Container;
        await bed.CreateAsync("a");
        await other.CreateItemAsync(new JObject { ["id"] = "a", ["pk"] = "p" }, new PartitionKey("p"));
        bed.Install(new FaultRule { Container = "other", Outcome = FaultOutcome.Timeout });

        var unaffected = await bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("p"));
        var hit = await Assert.ThrowsAsync<CosmosException>(() => other.ReadItemAsync<JObject>("a", new PartitionKey("p")));

        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
        Assert.Equal(HttpStatusCode.RequestTimeout, hit.StatusCode);
        Assert.All(bed.Injected, fault => Assert.Equal("other", fault.Container));
    }

    [EmbeddedEmulatorFact]
    public async Task A_rule_for_one_partition_key_leaves_the_others_alone()
    {
        await using var bed = await FaultTestBed.StartAsync();
        await bed.CreateAsync("a", "tenant-1");
        await bed.CreateAsync("a", "tenant-2");
        bed.Install(new FaultRule { Operations = [FaultOperation.Read], PartitionKey = "tenant-2", Outcome = FaultOutcome.Timeout });

        var unaffected = await bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("tenant-1"));
        var hit = await Assert.ThrowsAsync<CosmosException>(() => bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("tenant-2")));

        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
        Assert.Equal(HttpStatusCode.RequestTimeout, hit.StatusCode);
        Assert.Equal("[\"tenant-2\"]", Assert.Single(bed.Injected).PartitionKey);
    }

    [EmbeddedEmulatorFact]
    public async Task A_rule_for_one_operation_kind_leaves_the_others_alone()
    {
        await using var bed = await FaultTestBed.StartAsync();
        bed.Install(new FaultRule { Operations = [FaultOperation.Upsert], Outcome = FaultOutcome.Timeout });

        await bed.CreateAsync("a");
        await bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("p"));
        await bed.Todos.ReplaceItemAsync(new JObject { ["id"] = "a", ["pk"] = "p" }, "a", new PartitionKey("p"));
        using var query = bed.Todos.GetItemQueryIterator<JObject>("SELECT * FROM c");
        await query.ReadNextAsync();
        var hit = await Assert.ThrowsAsync<CosmosException>(() => bed.Todos.UpsertItemAsync(new JObject { ["id"] = "a", ["pk"] = "p" }, new PartitionKey("p")));

        Assert.Equal(HttpStatusCode.RequestTimeout, hit.StatusCode);
        Assert.Equal(FaultOperation.Upsert, Assert.Single(bed.Injected).Operation);
    }

    [EmbeddedEmulatorFact]
    public async Task Next_n_hits_the_first_n_requests_to_each_resource()
    {
        await using var bed = await FaultTestBed.StartAsync();
        await bed.CreateAsync("a");
        await bed.CreateAsync("b");
        bed.Install(new FaultRule { Operations = [FaultOperation.Read], Next = 2, Outcome = FaultOutcome.Timeout });

        var outcomes = new List<string>();
        foreach (var id in new[] { "a", "a", "b", "a", "b", "b" })
            outcomes.Add(await bed.ExistsAsync(id) ? $"{id} ok" : $"{id} hit");

        Assert.Equal(["a hit", "a hit", "b hit", "a ok", "b hit", "b ok"], outcomes);
        Assert.Equal([("a", 0L), ("a", 1L), ("b", 0L), ("b", 1L)], bed.Injected.Select(fault => (fault.ItemId, fault.RequestNumber)));
    }

    [EmbeddedEmulatorFact]
    public async Task A_probability_hits_about_that_share_of_requests_and_exactly_those_the_record_names()
    {
        await using var bed = await FaultTestBed.StartAsync();
        bed.Install(new FaultRule { Operations = [FaultOperation.Create], Probability = 0.5, Outcome = FaultOutcome.Timeout });

        var failed = new List<string>();
        foreach (var id in Enumerable.Range(0, 40).Select(index => $"item-{index}"))
        {
            if (await Record.ExceptionAsync(() => bed.CreateAsync(id)) is not null)
                failed.Add(id);
        }

        Assert.InRange(failed.Count, 10, 30);
        Assert.Equal(failed, bed.Injected.Select(fault => fault.ItemId));
    }

    [EmbeddedEmulatorFact]
    public async Task A_time_window_hits_only_while_it_is_open()
    {
        await using var bed = await FaultTestBed.StartAsync();
        await bed.CreateAsync("a");
        bed.Install(
            new FaultRule { Operations = [FaultOperation.Read], ForMs = 1, Outcome = FaultOutcome.Timeout },
            new FaultRule { Operations = [FaultOperation.Read], AfterMs = 3_600_000, Outcome = FaultOutcome.Timeout },
            new FaultRule { Operations = [FaultOperation.Replace], ForMs = 3_600_000, Outcome = FaultOutcome.Timeout });
        // Only makes sure the first window has closed; nothing is measured.
        await Task.Delay(50);

        var read = await bed.Todos.ReadItemAsync<JObject>("a", new PartitionKey("p"));
        var hit = await Assert.ThrowsAsync<CosmosException>(() => bed.Todos.ReplaceItemAsync(new JObject { ["id"] = "a", ["pk"] = "p" }, "a", new PartitionKey("p")));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.RequestTimeout, hit.StatusCode);
        Assert.Equal(2, Assert.Single(bed.Injected).Rule);
    }

    [EmbeddedEmulatorFact]
    public async Task The_same_seed_hits_the_same_requests_however_they_interleave_and_another_seed_hits_others()
    {
        var concurrent = await ScheduleAsync(seed: 11, concurrently: true);
        var sequentialReversed = await ScheduleAsync(seed: 11, concurrently: false);
        var otherSeed = await ScheduleAsync(seed: 12, concurrently: true);

        Assert.NotEmpty(concurrent);
        Assert.Equal(concurrent, sequentialReversed);
        Assert.NotEqual(concurrent, otherSeed);
    }

    // Which (item, request number) a throttling rule hit while 12 items were each read 4 times.
    private static async Task<SortedSet<string>> ScheduleAsync(long seed, bool concurrently)
    {
        await using var bed = await FaultTestBed.StartAsync();
        var ids = Enumerable.Range(0, 12).Select(index => $"item-{index}").ToList();
        foreach (var id in ids)
            await bed.CreateAsync(id);
        bed.Emulator.Faults.Install(new FaultPlan
        {
            Seed = seed,
            Rules = [new FaultRule { Operations = [FaultOperation.Read], Probability = 0.3, Outcome = FaultOutcome.Throttle, RetryAfterMs = 1 }],
        });

        async Task ReadFourTimesAsync(string id)
        {
            for (var read = 0; read < 4; read++)
                await bed.Todos.ReadItemAsync<JObject>(id, new PartitionKey("p"));
        }
        if (concurrently)
            await Task.WhenAll(ids.Select(ReadFourTimesAsync));
        else
            foreach (var id in Enumerable.Reverse(ids))
                await ReadFourTimesAsync(id);
        return new SortedSet<string>(bed.Injected.Select(fault => $"{fault.ItemId}#{fault.RequestNumber}"), StringComparer.Ordinal);
    }
}
