using System.Text.Json.Nodes;

namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class BicepCompilationTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Main_bicep_compiles_with_zero_warnings_under_the_recommended_linter_rules()
    {
        Assert.Equal(0, infra.Build.ExitCode);
        Assert.Empty(infra.Build.Diagnostics);
        Assert.NotEmpty(infra.Template["resources"]!.AsArray());
    }

    [Fact]
    public void The_parameter_file_compiles_with_zero_warnings()
    {
        Assert.Equal(0, infra.BuildParams.ExitCode);
        Assert.Empty(infra.BuildParams.Diagnostics);
    }

    [Fact]
    public void The_linter_finds_nothing_in_main_bicep_or_its_modules()
    {
        Assert.Equal(0, infra.Lint.ExitCode);
        Assert.Empty(infra.Lint.Diagnostics);
    }

    [Fact]
    public void Evaluating_the_template_for_a_deployment_reports_nothing()
    {
        Assert.Empty(infra.Default.Diagnostics);
        Assert.Empty(infra.Autoscale.Diagnostics);
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
