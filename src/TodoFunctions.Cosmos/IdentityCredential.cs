using Azure.Core;
using Azure.Identity;

namespace TodoFunctions.Cosmos;

/// <summary>
/// The credential of an identity-based connection (<c>…__accountEndpoint</c>, <c>…__accountName</c>), as the Functions
/// host builds it. Only called when configuration asks for identity: the credential probes Azure's metadata address.
/// </summary>
public static class IdentityCredential
{
    /// <summary>A user-assigned identity when a client id is given, otherwise whatever identity the environment offers.</summary>
    public static TokenCredential For(string? clientId) => string.IsNullOrWhiteSpace(clientId)
        ? new DefaultAzureCredential()
        : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
}
