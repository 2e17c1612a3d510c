using TodoFunctions.CosmosEmulator.Faults;

namespace TodoFunctions.CosmosEmulator.Tests.Faults;

/// <summary>The fault plan's JSON: what it reads back, and what it refuses with a message that says why.</summary>
public sealed class FaultPlanTests
{
    [Fact]
    public void A_plan_written_as_json_reads_back_the_same()
    {
        var plan = new FaultPlan
        {
            Seed = 9,
            Rules =
            [
                new FaultRule { Operations = [FaultOperation.ChangeFeed], Container = "todos", PartitionKey = 3, Next = 2, AfterMs = 10, ForMs = 20, Outcome = FaultOutcome.PartitionKeyRangeGone },
                new FaultRule { Probability = 0.25, Outcome = FaultOutcome.Latency, LatencyMs = 5, LatencyMaxMs = 9 },
            ],
        };

        var json = plan.ToJson();

        Assert.Equal(json, FaultPlan.Parse(json).ToJson());
        Assert.Contains("\"changeFeed\"", json);
        Assert.Contains("\"partitionKeyRangeGone\"", json);
    }

    [Theory]
    [InlineData("""{"rules": [{"outcome": "throttle", "retryAfterMs": 0}]}""", "retryAfterMs must be at least 1")]
    [InlineData("""{"rules": [{"operations": ["read"]}]}""", "outcome")]
    [InlineData("""{"rules": [{"outcome": "throttle", "probabilty": 0.5}]}""", "probabilty")]
    [InlineData("""{"rules": [{"outcome": "teapot"}]}""", "teapot")]
    [InlineData("""{"rules": [{"outcome": "throttle", "probability": 2}]}""", "probability 2 is not between 0 and 1")]
    [InlineData("""{"rules": [{"outcome": "latency"}]}""", "a latency rule needs latencyMs")]
    public void A_plan_the_emulator_cannot_honour_is_refused_with_the_reason(string json, string reason)
    {
        var refused = Assert.Throws<FormatException>(() => FaultPlan.Parse(json));

        Assert.Contains(reason, refused.Message);
    }
}
