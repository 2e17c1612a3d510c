using System.Net;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Authorization;

/// <summary>A master-key signature covers the request's date; like the service, the emulator refuses one dated
/// more than 15 minutes from its own clock. The emulator's clock is moved instead of the client's.</summary>
public sealed class RequestDateTests
{
    public RequestDateTests() => Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

    [EmbeddedEmulatorFact]
    public async Task A_request_dated_more_than_15_minutes_behind_or_ahead_of_the_emulator_answers_403_with_the_services_message()
    {
        foreach (var skew in new[] { TimeSpan.FromMinutes(16), TimeSpan.FromMinutes(-16) })
        {
            await using var emulator = await StartWithClockAsync(skew);
            using var client = Client(emulator);

            var refusal = await Assert.ThrowsAsync<CosmosException>(() => client.CreateDatabaseAsync("db"));

            Assert.Equal(HttpStatusCode.Forbidden, refusal.StatusCode);
            Assert.Contains("The authorization token is not valid at the current time. Please create another token and retry", refusal.Message);
        }
    }

    [EmbeddedEmulatorFact]
    public async Task A_request_dated_within_15_minutes_of_the_emulator_is_served()
    {
        await using var emulator = await StartWithClockAsync(TimeSpan.FromMinutes(14));
        using var client = Client(emulator);

        var created = await client.CreateDatabaseAsync("db");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private static Task<CosmosEmulatorServer> StartWithClockAsync(TimeSpan skew) =>
        CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { Clock = new SkewedClock(skew) });

    private static CosmosClient Client(CosmosEmulatorServer emulator) =>
        new(emulator.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });

    private sealed class SkewedClock(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + skew;
    }
}
