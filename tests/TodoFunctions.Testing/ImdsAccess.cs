using System.Runtime.CompilerServices;

namespace TodoFunctions.Testing;

/// <summary>Keeps every CosmosClient built in a test process from probing Azure's instance metadata address.</summary>
internal static class ImdsAccess
{
    // A library module initializer is the point here (CA2255): it runs before any test of any assembly builds a client.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Disable() => Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");
}
