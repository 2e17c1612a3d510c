using System.Net;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

/// <summary>Account access: the master-key signature is verified, and the account answers what the SDK needs to start.</summary>
public sealed class AccountConformanceTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    [Fact]
    public async Task A_client_signing_with_the_account_key_reads_the_account()
    {
        var account = await endpoint.CreateClient().ReadAccountAsync();

        Assert.NotEmpty(account.WritableRegions);
        Assert.Equal(ConsistencyLevel.Session, account.Consistency.DefaultConsistencyLevel);
    }

    [Fact]
    public async Task A_client_signing_with_a_wrong_key_is_refused_with_401()
    {
        var wrongKey = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());
        var accountEndpoint = endpoint.ConnectionString.Split(';').First(part => part.StartsWith("AccountEndpoint=", StringComparison.OrdinalIgnoreCase))["AccountEndpoint=".Length..];
        using var client = new CosmosClient(accountEndpoint, wrongKey, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            ServerCertificateCustomValidationCallback = (_, _, _) => new Uri(accountEndpoint).IsLoopback,
        });

        var refused = await Assert.ThrowsAsync<CosmosException>(() => client.CreateDatabaseIfNotExistsAsync(endpoint.UniqueName("refused")));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
