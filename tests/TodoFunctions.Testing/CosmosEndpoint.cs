using Microsoft.Azure.Cosmos;
using TodoFunctions.CosmosEmulator;
using Xunit;

namespace TodoFunctions.Testing;

/// <summary>
/// The Cosmos DB account a test suite runs against: an embedded emulator started for the fixture, or the
/// endpoint in <see cref="ConnectionStringVariable"/> (the official emulator, a real account) so the same tests
/// can be checked against the real service.
/// </summary>
public sealed class CosmosEndpoint : IAsyncLifetime
{
    public const string ConnectionStringVariable = "TODOFUNCTIONS_TEST_COSMOS_CONNECTION_STRING";

    private readonly List<CosmosClient> clients = [];
    private readonly string? externalConnectionString = ExternalConnectionString;

    public string ConnectionString { get; private set; } = "";

    public bool IsEmbedded => externalConnectionString is null;

    public CosmosEmulatorServer? Emulator { get; private set; }

    internal static string? ExternalConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } value ? value : null;

    public async Task InitializeAsync()
    {
        if (externalConnectionString is not null)
        {
            ConnectionString = externalConnectionString;
            return;
        }
        Emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions());
        ConnectionString = Emulator.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in clients)
            client.Dispose();
        if (Emulator is not null)
            await Emulator.DisposeAsync();
    }

    /// <summary>A Gateway-mode client bound to the endpoint alone; a self-signed certificate is accepted only from this machine.</summary>
    public CosmosClient CreateClient(Action<CosmosClientOptions>? configure = null)
    {
        var options = new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
        };
        if (IsLoopback(ConnectionString))
            options.ServerCertificateCustomValidationCallback = (_, _, _) => true;
        configure?.Invoke(options);
        var client = new CosmosClient(ConnectionString, options);
        lock (clients)
            clients.Add(client);
        return client;
    }

    /// <summary>A database or container id no other test (or earlier run on a shared account) uses.</summary>
    public string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static bool IsLoopback(string connectionString)
    {
        var endpoint = connectionString.Split(';')
            .Select(part => part.Split('=', 2))
            .FirstOrDefault(pair => pair[0].Trim().Equals("AccountEndpoint", StringComparison.OrdinalIgnoreCase))?[1];
        return Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            && (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase));
    }
}
