namespace TodoFunctions.Cosmos;

/// <summary>
/// Names this process among the change feed processors that share the leases (the lease owner). Two instances with
/// one name would each believe they own the other's leases, so the name must differ per instance; a name that changes
/// on every restart would make a recycled instance wait for its own leases to expire instead of taking them back at
/// once. The platform's instance id has both properties: App Service and Functions give each instance of a
/// scaled-out app its own <c>WEBSITE_INSTANCE_ID</c>, and a host restart on that instance keeps it.
/// </summary>
public static class ProcessorInstanceName
{
    /// <summary>Per-instance id that App Service and Azure Functions set, unchanged while the instance lives.</summary>
    public const string PlatformInstanceIdVariable = "WEBSITE_INSTANCE_ID";

    /// <summary>
    /// The platform's instance id where there is one; the host name elsewhere (a local run, a container), which is
    /// unique per machine and stable across restarts. The host name is left out on the platform: should it change
    /// across a recycle while the instance id stays, the fast reclaim would be lost.
    /// </summary>
    public static string For(string machineName, string? platformInstanceId) =>
        string.IsNullOrWhiteSpace(platformInstanceId) ? machineName : platformInstanceId.Trim();

    public static string ForThisProcess() =>
        For(Environment.MachineName, Environment.GetEnvironmentVariable(PlatformInstanceIdVariable));
}
