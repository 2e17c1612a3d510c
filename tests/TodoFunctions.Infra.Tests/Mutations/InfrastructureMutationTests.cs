using System.Diagnostics;
using Xunit.Abstractions;

namespace TodoFunctions.Infra.Tests.Mutations;

/// <summary>
/// Proves the infrastructure assertions can fail: each breakage in <c>Mutations/breakages.json</c> is applied alone
/// to a copy of <c>infra/</c>, the copy is compiled and snapshotted in every configuration, and the whole suite of
/// assertions is re-run on it. A breakage no assertion catches fails this test and names itself.
/// </summary>
[Collection(nameof(CompiledInfrastructure))]
public sealed class InfrastructureMutationTests(CompiledInfrastructure infra, ITestOutputHelper output)
{
    // Each worker owns one warm Bicep process; two share the machine's cores with the rest of the suite.
    private const int Workers = 2;

    [Fact]
    public async Task The_unbroken_infrastructure_passes_every_assertion_the_mutation_test_re_runs()
    {
        Assert.True(AssertionSuite.Count > 50, $"only {AssertionSuite.Count} assertions found");
        Assert.Empty(await AssertionSuite.FailuresAgainstAsync(infra));
    }

    [Fact]
    public async Task Every_deliberate_breakage_of_infra_is_caught_by_at_least_one_assertion()
    {
        Assert.True(Breakage.All.Count >= 15, $"only {Breakage.All.Count} breakages listed");
        var elapsed = Stopwatch.StartNew();

        var results = await Task.WhenAll(Enumerable.Range(0, Workers).Select(async worker =>
        {
            await using var rpc = BicepRpc.Start();
            var caught = new List<(Breakage Breakage, IReadOnlyList<string> Failures)>();
            foreach (var breakage in Breakage.All.Where((_, index) => index % Workers == worker))
            {
                var broken = new CompiledInfrastructure(BicepCli.InfraDirectory, rpc, breakage.ApplyTo);
                try
                {
                    await broken.InitializeAsync();
                    caught.Add((breakage, await AssertionSuite.FailuresAgainstAsync(broken)));
                }
                catch (InvalidOperationException notCompiling) when (notCompiling.Message.StartsWith("bicep/"))
                {
                    caught.Add((breakage, [$"does not compile: {notCompiling.Message}"]));
                }
                finally
                {
                    await broken.DisposeAsync();
                }
            }

            return caught;
        }));

        var all = results.SelectMany(result => result).ToList();
        foreach (var (breakage, failures) in all)
        {
            output.WriteLine($"{(failures.Count > 0 ? "caught  " : "UNCAUGHT")} {breakage.Name}: {failures.Count} failing, e.g. {failures.FirstOrDefault()}");
        }

        var uncaught = all.Where(result => result.Failures.Count == 0).Select(result => result.Breakage.Name).ToList();
        output.WriteLine($"{all.Count - uncaught.Count} of {all.Count} breakages caught by {AssertionSuite.Count} assertions in {elapsed.Elapsed.TotalSeconds:F0} s ({Workers} Bicep processes)");
        Assert.True(uncaught.Count == 0, $"No assertion catches: {string.Join("; ", uncaught)}");
    }
}
