using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos;
using TodoFunctions.Local;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// Who holds the change feed leases, read from the lease documents themselves (every processor of the database:
/// the todo projector and the statistics projection), so a two-host section knows rather than assumes which host projects.
/// </summary>
internal static class LeaseOwners
{
    /// <summary>The number of leases each instance holds; an unowned lease counts under "(none)".</summary>
    public static async Task<Dictionary<string, int>> CountAsync(LocalHost host)
    {
        var settings = host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
        var leases = host.Services.GetRequiredService<CosmosClient>().GetContainer(settings.DatabaseName, settings.LeasesContainer);
        using var query = leases.GetItemQueryIterator<JsonElement>("SELECT c.Owner FROM c WHERE IS_DEFINED(c.LeaseToken)");
        var owners = new List<string>();
        while (query.HasMoreResults)
            owners.AddRange((await query.ReadNextAsync()).Select(lease => lease.TryGetProperty("Owner", out var owner) && owner.GetString() is { Length: > 0 } name ? name : "(none)"));
        return owners.CountBy(owner => owner).ToDictionary();
    }

    /// <summary>Waits until <paramref name="instance"/> holds every lease, both projections having created theirs.</summary>
    public static async Task WaitUntilAllHeldByAsync(LocalHost host, string instance, int processors)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await CountAsync(host) is var owners && !(owners.Count == 1 && owners.GetValueOrDefault(instance) >= processors))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{instance} did not take every lease: {Describe(owners)}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    public static string Describe(Dictionary<string, int> owners) => string.Join(", ", owners.Select(owner => $"{owner.Key} {owner.Value}"));
}
