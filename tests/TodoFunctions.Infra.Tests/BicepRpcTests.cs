namespace TodoFunctions.Infra.Tests;

// In the infrastructure collection so that no other test runs while this one changes the process's environment;
// not constructed from the compiled infrastructure, so the mutation test does not re-run it.
[Collection(nameof(CompiledInfrastructure))]
public sealed class BicepRpcTests
{
    [Fact]
    public void The_azd_variables_of_main_bicepparam_are_the_ones_kept_from_the_Bicep_process()
    {
        Assert.Equal(
            ["ALERT_EMAIL_ADDRESS", "AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_PRINCIPAL_ID", "AZURE_PRINCIPAL_TYPE", "GRANT_PRINCIPAL_DATA_ACCESS"],
            BicepRpc.EnvironmentVariablesReadBy(BicepCli.InfraDirectory).Order());
    }

    [Fact]
    public async Task A_snapshot_of_main_bicepparam_ignores_the_azd_environment_of_the_callers_shell()
    {
        var shell = new Dictionary<string, string>
        {
            ["AZURE_ENV_NAME"] = "from-the-shell",
            ["AZURE_LOCATION"] = "westus",
            ["ALERT_EMAIL_ADDRESS"] = "shell@example.com",
        };
        var saved = shell.Keys.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in shell)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            await using var rpc = BicepRpc.Start();
            var snapshot = await rpc.SnapshotAsync(Path.Combine(BicepCli.InfraDirectory, "main.bicepparam"), CompiledInfrastructure.SubscriptionId, CompiledInfrastructure.Location);
            var resources = string.Join('\n', snapshot.Resources.Select(resource => resource.ToJsonString()));

            Assert.NotEmpty(snapshot.Resources);
            Assert.All(shell.Values, value => Assert.DoesNotContain(value, resources));
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
