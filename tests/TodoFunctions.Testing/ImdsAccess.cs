using System.Runtime.CompilerServices;

namespace TodoFunctions.Testing;

/// <summary>Keeps every CosmosClient built in a test process from probing Azure's instance metadata address.</summary>
internal static class ImdsAccess
{
    [ModuleInitializer]
    internal static void Disable() => Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");
}
