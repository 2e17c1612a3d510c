using System.Text.Json.Nodes;

namespace TodoFunctions.Infra.Tests;

/// <summary>
/// Compiles and snapshots a copy of <c>infra/</c> once for the whole suite, in each parameter combination the issue
/// names. The snapshots are Bicep's own evaluation of the compiled ARM template against a stand-in subscription:
/// every nested module flattened into the resources a deployment would create. The mutation test builds one of
/// these per breakage, from a broken copy, and re-runs the suite's assertions on it.
/// </summary>
public sealed class CompiledInfrastructure : IAsyncLifetime
{
    public const string SubscriptionId = "00000000-0000-0000-0000-00000000a11c";
    public const string Location = "swedencentral";
    public const string ResourceGroup = "rg-todo";
    public const int AutoscaleMaxThroughput = 4000;
    public const string DeployerPrincipalId = "00000000-0000-0000-0000-0000000de910";
    public const string AlertEmailAddress = "operator@example.com";

    /// <summary>The parameter files besides <c>main.bicepparam</c>, written into the copy: name → body after <c>using</c>.</summary>
    private static readonly Dictionary<string, string> ExtraConfigurations = new()
    {
        ["zone-redundant"] = $"""
            param zoneRedundant = true
            param principalId = '{DeployerPrincipalId}'
            param alertEmailAddress = '{AlertEmailAddress}'
            """,
        // The most frequent availability test (the others run the default 900 s).
        ["private-network"] = $"""
            param vnetEnabled = true
            param principalId = '{DeployerPrincipalId}'
            param availabilityTestFrequencySeconds = 300
            """,
        // A CI service principal: it deploys, but is granted no data access.
        ["autoscale"] = $"""
            param cosmosCapacityMode = 'autoscale'
            param cosmosAutoscaleMaxThroughput = {AutoscaleMaxThroughput}
            param principalId = '{DeployerPrincipalId}'
            param principalType = 'ServicePrincipal'
            param grantPrincipalDataAccess = false
            """,
    };

    /// <summary>Every parameter combination by name; "default" is <c>infra/main.bicepparam</c> itself.</summary>
    public static IEnumerable<string> Configurations => ExtraConfigurations.Keys.Prepend("default");

    public static TheoryData<string> ConfigurationNames => new(Configurations);

    private readonly DirectoryInfo workDirectory = Directory.CreateTempSubdirectory("todo-infra-");
    private readonly string sourceDirectory;
    private readonly BicepRpc? sharedRpc;
    private readonly Action<DirectoryInfo>? change;

    public CompiledInfrastructure() : this(BicepCli.InfraDirectory, sharedRpc: null)
    {
    }

    /// <summary>
    /// Compiles the infrastructure in <paramref name="sourceDirectory"/>, after <paramref name="change"/> edits the copy,
    /// through a running Bicep process if one is given.
    /// </summary>
    internal CompiledInfrastructure(string sourceDirectory, BicepRpc? sharedRpc, Action<DirectoryInfo>? change = null)
    {
        this.sourceDirectory = sourceDirectory;
        this.sharedRpc = sharedRpc;
        this.change = change;
    }

    /// <summary>The ARM template of <c>main.bicep</c>, with every compiler and linter diagnostic.</summary>
    public BicepCompilation Build { get; private set; } = null!;

    public JsonObject Template => JsonNode.Parse(Build.Output!)!.AsObject();

    /// <summary>Each configuration's parameters file compiled (<c>build-params</c>).</summary>
    public IReadOnlyDictionary<string, BicepCompilation> BuildParams { get; private set; } = null!;

    public IReadOnlyDictionary<string, DeploymentSnapshot> Snapshots { get; private set; } = null!;

    /// <summary>The deployment that <c>infra/main.bicepparam</c> describes: the defaults, serverless Cosmos DB, public, one zone.</summary>
    public DeploymentSnapshot Default => Snapshots["default"];

    public DeploymentSnapshot ZoneRedundant => Snapshots["zone-redundant"];

    public DeploymentSnapshot PrivateNetwork => Snapshots["private-network"];

    /// <summary>Cosmos DB on provisioned autoscale throughput, deployed by a CI principal without data access.</summary>
    public DeploymentSnapshot Autoscale => Snapshots["autoscale"];

    public async Task InitializeAsync()
    {
        CopyDirectory(new DirectoryInfo(sourceDirectory), workDirectory);
        change?.Invoke(workDirectory);
        foreach (var (name, parameters) in ExtraConfigurations)
        {
            await File.WriteAllTextAsync(ParameterFile(name), $"""
                using 'main.bicep'

                param environmentName = 'todo'
                param location = '{Location}'
                {parameters}
                """);
        }

        var rpc = sharedRpc ?? BicepRpc.Start();
        try
        {
            Build = await rpc.CompileAsync(Path.Combine(workDirectory.FullName, "main.bicep"));
            var buildParams = new Dictionary<string, BicepCompilation>();
            var snapshots = new Dictionary<string, DeploymentSnapshot>();
            foreach (var name in ConfigurationNames)
            {
                buildParams[name] = await rpc.CompileParamsAsync(ParameterFile(name));
                snapshots[name] = await rpc.SnapshotAsync(ParameterFile(name), SubscriptionId, Location);
            }

            BuildParams = buildParams;
            Snapshots = snapshots;
        }
        finally
        {
            if (sharedRpc is null)
            {
                await rpc.DisposeAsync();
            }
        }
    }

    public Task DisposeAsync()
    {
        workDirectory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private string ParameterFile(string configuration) =>
        Path.Combine(workDirectory.FullName, configuration == "default" ? "main.bicepparam" : $"{configuration}.bicepparam");

    private static void CopyDirectory(DirectoryInfo source, DirectoryInfo target)
    {
        foreach (var file in source.EnumerateFiles())
        {
            file.CopyTo(Path.Combine(target.FullName, file.Name));
        }

        foreach (var directory in source.EnumerateDirectories())
        {
            CopyDirectory(directory, target.CreateSubdirectory(directory.Name));
        }
    }
}

[CollectionDefinition(nameof(CompiledInfrastructure))]
public sealed class CompiledInfrastructureCollection : ICollectionFixture<CompiledInfrastructure>;
