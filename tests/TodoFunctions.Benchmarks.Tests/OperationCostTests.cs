using TodoFunctions.Benchmarks;

namespace TodoFunctions.Benchmarks.Tests;

public sealed class OperationCostTests
{
    private static readonly CosmosRequest[] Requests =
    [
        new("update", "events", 1, "POST"),
        new("update", "events", 12, "POST"),
        new("update", "todo-view", 1, "POST"),
        new("update", "leases", 1, "POST"),
        new("get", "todo-view", 1, "POST"),
        new(null, "todo-view", 10, "POST"),
    ];

    /// <summary>The attribution the benchmark prints: only the named operation's requests, split by container, averaged per operation.</summary>
    [Fact]
    public void The_events_container_is_the_commands_own_cost_and_every_other_container_the_read_side()
    {
        var (own, readSide) = OperationCost.Of(Requests, "update", "events", count: 2);

        Assert.Equal(new OperationCost(Trips: 1, Charge: 6.5), own);
        Assert.Equal(new OperationCost(Trips: 1, Charge: 1), readSide);
    }
}
