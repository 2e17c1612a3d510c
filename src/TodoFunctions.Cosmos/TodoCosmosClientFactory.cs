using System.Data.Common;
using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;

namespace TodoFunctions.Cosmos;

/// <summary>
/// Builds the one <see cref="CosmosClient"/> from the conventional settings: a connection string (emulator, keys)
/// or an account endpoint with Microsoft Entra ID (managed identity in Azure).
/// </summary>
internal static class TodoCosmosClientFactory
{
    private const string Name = TodoStoreLayout.ConnectionSettingName;

    public static CosmosClient Create(IConfiguration configuration, CosmosClientOptions clientOptions)
    {
        clientOptions.UseSystemTextJsonSerializerWithOptions = TodoJson.Options;

        var connectionString = configuration.GetConnectionString(Name) ?? configuration[Name];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            AdaptToEndpoint(clientOptions, AccountEndpointOf(connectionString));
            return new CosmosClient(connectionString, clientOptions);
        }

        var accountEndpoint = configuration[$"{Name}:accountEndpoint"];
        if (string.IsNullOrWhiteSpace(accountEndpoint))
            throw new InvalidOperationException(
                $"Cosmos DB is not configured: set the connection string '{Name}' (ConnectionStrings:{Name} or {Name}) " +
                $"or the account endpoint '{Name}__accountEndpoint' for identity-based access.");
        AdaptToEndpoint(clientOptions, new Uri(accountEndpoint));
        return new CosmosClient(accountEndpoint, IdentityCredential.For(configuration[$"{Name}:clientId"]), clientOptions);
    }

    private static Uri AccountEndpointOf(string connectionString)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return parts.TryGetValue("AccountEndpoint", out var endpoint) && Uri.TryCreate(endpoint as string, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"The connection string '{Name}' has no valid AccountEndpoint.");
    }

    /// <summary>
    /// An emulator on this machine answers only at its own address, over gateway mode, with a self-signed certificate,
    /// and is not an Azure VM, so the SDK's VM-metadata probe is pointless there. Remote accounts keep the SDK defaults.
    /// </summary>
    private static void AdaptToEndpoint(CosmosClientOptions clientOptions, Uri endpoint)
    {
        if (!endpoint.IsLoopback && !(IPAddress.TryParse(endpoint.Host, out var address) && IPAddress.IsLoopback(address))) return;
        clientOptions.ConnectionMode = ConnectionMode.Gateway;
        clientOptions.LimitToEndpoint = true;
        clientOptions.ServerCertificateCustomValidationCallback = (_, _, _) => true;
        if (Environment.GetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS") is null)
            Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");
    }
}
