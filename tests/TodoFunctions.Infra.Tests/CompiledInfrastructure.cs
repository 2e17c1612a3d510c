using System.Text.Json.Nodes;

namespace TodoFunctions.Infra.Tests;

/// <summary>
/// Builds, lints and snapshots <c>infra/</c> once for the whole suite, since every Bicep run takes seconds.
/// The snapshots are Bicep's own evaluation of the compiled ARM template against a stand-in subscription and
/// resource group: every nested module flattened into the resources a deployment would create.
/// </summary>
public sealed class CompiledInfrastructure : IAsyncLifetime
{
    public const string SubscriptionId = "00000000-0000-0000-0000-00000000a11c";
    public const string ResourceGroup = "rg-todo";
    public const int AutoscaleMaxThroughput = 4000;

    // Snapshots are written next to their parameter file, so they run on a copy of infra/.
    private readonly DirectoryInfo workDirectory = Directory.CreateTempSubdirectory("todo-infra-");

    public BicepRun Build { get; private set; } = null!;
    public BicepRun BuildParams { get; private set; } = null!;
    public BicepRun Lint { get; private set; } = null!;

    /// <summary>The ARM template that <c>bicep build infra/main.bicep</c> produces.</summary>
    public JsonObject Template => JsonNode.Parse(Build.Output)!.AsObject();

    /// <summary>The deployment that <c>infra/main.bicepparam</c> describes: the defaults, serverless Cosmos DB.</summary>
    public DeploymentSnapshot Default { get; private set; } = null!;

    /// <summary>The same deployment with Cosmos DB switched to provisioned autoscale throughput.</summary>
    public DeploymentSnapshot Autoscale { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        CopyDirectory(new DirectoryInfo(BicepCli.InfraDirectory), workDirectory);
        await File.WriteAllTextAsync(Path.Combine(workDirectory.FullName, "autoscale.bicepparam"), $"""
            using 'main.bicep'

            param environmentName = 'todo'
            param cosmosCapacityMode = 'autoscale'
            param cosmosAutoscaleMaxThroughput = {AutoscaleMaxThroughput}
            """);

        var build = BicepCli.RunAsync("build", InInfra("main.bicep"), "--stdout");
        var buildParams = BicepCli.RunAsync("build-params", InInfra("main.bicepparam"), "--stdout");
        var lint = BicepCli.RunAsync("lint", InInfra("main.bicep"));
        var defaultSnapshot = SnapshotAsync("main.bicepparam");
        var autoscaleSnapshot = SnapshotAsync("autoscale.bicepparam");

        Build = await build;
        BuildParams = await buildParams;
        Lint = await lint;
        Default = await defaultSnapshot;
        Autoscale = await autoscaleSnapshot;
    }

    public Task DisposeAsync()
    {
        workDirectory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private static string InInfra(string file) => Path.Combine(BicepCli.InfraDirectory, file);

    private async Task<DeploymentSnapshot> SnapshotAsync(string parameterFile)
    {
        var parameterPath = Path.Combine(workDirectory.FullName, parameterFile);
        var run = await BicepCli.RunAsync(
            "snapshot", parameterPath, "--mode", "overwrite",
            "--tenant-id", "00000000-0000-0000-0000-0000000000ad",
            "--subscription-id", SubscriptionId,
            "--resource-group", ResourceGroup,
            "--location", "swedencentral");
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep snapshot {parameterFile} failed:\n{string.Join('\n', run.Diagnostics)}");
        }

        var snapshot = await File.ReadAllTextAsync(Path.ChangeExtension(parameterPath, ".snapshot.json"));
        return new DeploymentSnapshot(JsonNode.Parse(snapshot)!.AsObject());
    }

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
