using System.Text.Json.Nodes;

namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class BicepCompilationTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Main_bicep_compiles_with_zero_warnings_under_the_recommended_linter_rules()
    {
        Assert.True(infra.Build.Success);
        Assert.Empty(infra.Build.Diagnostics);
        Assert.NotEmpty(infra.Template["resources"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void Each_parameter_combination_builds_with_zero_warnings(string configuration)
    {
        Assert.True(infra.BuildParams[configuration].Success);
        Assert.Empty(infra.BuildParams[configuration].Diagnostics);
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void Evaluating_each_parameter_combination_for_a_deployment_reports_nothing(string configuration)
    {
        Assert.Empty(infra.Snapshots[configuration].Diagnostics);
        Assert.NotEmpty(infra.Snapshots[configuration].Resources);
    }

    [Fact]
    public void The_bicep_config_keeps_the_linter_on_and_turns_no_rule_off()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "bicepconfig.json")))!;
        var core = config["analyzers"]!["core"]!;

        Assert.True((bool)core["enabled"]!);
        Assert.DoesNotContain(core["rules"]!.AsObject(), rule => (string)rule.Value!["level"]! == "off");
    }
}
