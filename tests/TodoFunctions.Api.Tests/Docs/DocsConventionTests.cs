using System.Text.RegularExpressions;

namespace TodoFunctions.Api.Tests.Docs;

/// <summary>
/// The docs cannot rot silently: every command line of a <c>bash</c> block is run by a test
/// (<see cref="DocsCommandsTests"/>) or is a verbatim copy of a line <c>.ci/run</c> or a test runs. <c>bash azure</c>
/// marks what needs Azure, <c>func</c> or Docker; <c>bash long-running</c> marks the benchmarks and the soak, which no
/// test runs, but whose projects, modes and options must exist.
/// </summary>
public sealed partial class DocsConventionTests
{
    internal const string EmulatorHelp = "dotnet run --project src/TodoFunctions.CosmosEmulator -- --help";

    /// <summary>The CI itself: it runs every test, so no test can run it.</summary>
    private const string Ci = "bash .ci/run";

    private static readonly string[] RunHere = [ReadmeLocalHost.Command, EmulatorHelp, Ci];

    [Fact]
    public void Every_fenced_block_says_whether_it_holds_commands_and_where_they_run()
    {
        var unmarked = CommandBlock.All
            .Where(block => block.Info is not (CommandBlock.Local or CommandBlock.NeedsAzure or CommandBlock.LongRunning)
                            && !CommandBlock.NotCommands.Contains(block.Info))
            .Select(block => $"{block.Where}: ```{block.Info}")
            .ToList();
        Assert.True(unmarked.Count == 0, "Blocks without a known info string:\n" + string.Join('\n', unmarked));
    }

    [Fact]
    public void Every_line_of_a_bash_block_is_run_by_a_test_or_copies_a_line_that_is()
    {
        var copiedFrom = CopiedCommandSources();
        var unrun = CommandBlock.All
            .Where(block => block.Info == CommandBlock.Local && !IsCurlSession(block))
            .SelectMany(block => block.CommandLines.Select(line => (block, line)))
            .Where(entry => !IsRunOrCopied(entry.line, copiedFrom))
            .Select(entry => $"{entry.block.Where}: {entry.line}")
            .ToList();
        Assert.True(unrun.Count == 0, "Commands no test runs (run them in a test, or mark the block):\n" + string.Join('\n', unrun));
    }

    [Fact]
    public void A_bash_azure_block_holds_a_command_that_needs_azure_func_or_docker()
    {
        var runnable = CommandBlock.All
            .Where(block => block.Info == CommandBlock.NeedsAzure && !block.CommandLines.Any(line => NeedsAzure().IsMatch(line)))
            .Select(block => $"{block.Where}: {block.CommandLines.FirstOrDefault()}")
            .ToList();
        Assert.True(runnable.Count == 0, "bash azure blocks with nothing that needs Azure, func or Docker:\n" + string.Join('\n', runnable));
    }

    [Fact]
    public void A_long_running_block_names_projects_that_exist_and_modes_and_options_their_programs_read()
    {
        var copiedFrom = CopiedCommandSources();
        var wrong = CommandBlock.All
            .Where(block => block.Info == CommandBlock.LongRunning)
            .SelectMany(block => block.CommandLines.Select(line => (block, line)))
            .Where(entry => !IsRunOrCopied(entry.line, copiedFrom))
            .Select(entry => (entry.block, entry.line, problem: LongRunningProblem(entry.line)))
            .Where(entry => entry.problem is not null)
            .Select(entry => $"{entry.block.Where}: {entry.line}: {entry.problem}")
            .ToList();
        Assert.True(wrong.Count == 0, "Long-running commands that cannot run as written:\n" + string.Join('\n', wrong));
    }

    /// <summary>A block of curl requests to the local host (and the variables they use): the tests above run it.</summary>
    internal static bool IsCurlSession(CommandBlock block) =>
        block.CommandLines.Any(line => line.StartsWith("curl ", StringComparison.Ordinal))
        && block.CommandLines.All(line => (line.StartsWith("curl ", StringComparison.Ordinal) && line.Contains("localhost:7071"))
                                          || Assignment().IsMatch(line));

    private static bool IsRunOrCopied(string line, IReadOnlySet<string> copiedFrom) =>
        RunHere.Contains(line) || copiedFrom.Contains(CommandBlock.Normalized(line));

    /// <summary>
    /// The whole command lines a doc line may copy, blanks collapsed: each line of <c>.ci/run</c>, each line and each
    /// string literal of the test sources (except these docs tests, which must not vouch for themselves). Whole lines
    /// only, so a command named inside a comment or a longer command vouches for nothing.
    /// </summary>
    private static IReadOnlySet<string> CopiedCommandSources()
    {
        var root = DocsPage.RepositoryRoot;
        var own = Path.Combine(root, "tests", "TodoFunctions.Api.Tests", "Docs") + Path.DirectorySeparatorChar;
        var sources = Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.StartsWith(own, StringComparison.Ordinal) && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText)
            .ToList();
        return File.ReadAllLines(Path.Combine(root, ".ci", "run"))
            .Concat(sources.SelectMany(source => source.Split('\n')))
            .Concat(sources.SelectMany(source => StringLiteral().Matches(source).Select(literal => literal.Groups["text"].Value)))
            .Select(CommandBlock.Normalized)
            .Where(line => line.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Why <c>[VAR=value …] dotnet run … --project P [-- mode --option …]</c> would not run, or null.</summary>
    private static string? LongRunningProblem(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(word => Assignment().IsMatch(word)).ToList();
        if (words is not ["dotnet", "run", ..]) return "not a dotnet run of a project";
        var projectAt = words.IndexOf("--project");
        if (projectAt < 0 || projectAt + 1 >= words.Count) return "no --project";
        var project = Path.Combine(DocsPage.RepositoryRoot, words[projectAt + 1]);
        if (!Directory.Exists(project)) return $"no project at {words[projectAt + 1]}";
        // The test programs read their own arguments and name each as a literal; the local host takes any setting.
        if (!words[projectAt + 1].StartsWith("tests/", StringComparison.Ordinal)) return null;
        var source = string.Join('\n', Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        var arguments = words.SkipWhile(word => word != "--").Skip(1).ToList();
        var named = arguments.Where(word => word.StartsWith("--", StringComparison.Ordinal))
            .Concat(arguments.Take(1).Where(word => !word.StartsWith("--", StringComparison.Ordinal)));
        var unknown = named.Where(word => !source.Contains($"\"{word}\"", StringComparison.Ordinal)).ToList();
        return unknown.Count == 0 ? null : $"the program does not read {string.Join(", ", unknown)}";
    }

    /// <summary>A one-line C# string literal (regular or interpolated), its text without the quotes.</summary>
    [GeneratedRegex(@"\$?""(?<text>(?:[^""\\\n]|\\.)*)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"(^|[\s;&|(])(az|azd|func|docker)\s|\.azure\.com|\.azurewebsites\.net")]
    private static partial Regex NeedsAzure();

    [GeneratedRegex(@"^HTTP-STATUS (5\d\d|401)", RegexOptions.Multiline)]
    internal static partial Regex ServerErrorOrRefusedKey();
}
