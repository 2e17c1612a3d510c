using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using TodoFunctions.Api.Queues;
using TodoFunctions.Local;

namespace TodoFunctions.Api.Tests.Docs;

/// <summary>
/// The local host started exactly as the README's set-up says, <c>dotnet run --project src/TodoFunctions.Local</c>
/// from the repository root, so the docs' curl lines can be run against it. Only the environment differs from a
/// newcomer's shell: a free port, a data folder and an Azurite of its own, and a known admin key.
/// </summary>
public sealed partial class ReadmeLocalHost : IAsyncLifetime
{
    public const string Command = "dotnet run --project src/TodoFunctions.Local";
    public const string AdminKey = "docs-test-function-key";

    /// <summary>Generous: <c>dotnet run</c> first builds what it runs, on a machine shared with other builds.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);

    private readonly StorageEndpoint storage = new();
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"docs-local-host-{Guid.NewGuid():N}");
    private readonly List<string> output = [];
    private Process? process;

    /// <summary>Where the host listens, e.g. <c>127.0.0.1:39123</c>: what the docs' <c>localhost:7071</c> stands for.</summary>
    public string Authority { get; private set; } = "";

    public string Output
    {
        get
        {
            lock (output) return string.Join('\n', output);
        }
    }

    public async Task InitializeAsync()
    {
        await storage.InitializeAsync();
        var start = Shell($"exec {Command}");
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["LocalHost__DataDirectory"] = dataDirectory;
        start.Environment[FunctionKey.Setting.Replace(":", "__")] = AdminKey;
        start.Environment[ProjectionQueues.ConnectionSetting] = storage.ConnectionString;
        start.Environment[StorageQueues.NamePrefixSetting.Replace(":", "__")] = storage.QueueNamePrefix;

        process = Process.Start(start)!;
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) => Observe(line.Data);
        process.ErrorDataReceived += (_, line) => Observe(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (finished != listening.Task)
            throw new InvalidOperationException($"'{Command}' did not serve the API:\n{Output}");
        Authority = await listening.Task;

        void Observe(string? line)
        {
            if (line is null) return;
            lock (output) output.Add(line);
            if (ApiLine().Match(line) is { Success: true } match) listening.TrySetResult(match.Groups["authority"].Value);
        }
    }

    /// <summary>
    /// Runs a block of the docs with bash against this host, <c>localhost:7071</c> replaced by where it listens. Every
    /// curl also writes <c>HTTP-STATUS nnn</c> to standard error, so a status shows even where the docs leave out <c>-i</c>.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunAsync(string script)
    {
        var start = Shell($$"""
            set -eo pipefail
            curl() { command curl -w '%{stderr}HTTP-STATUS %{http_code}\n' "$@"; }
            {{script.Replace("localhost:7071", Authority)}}
            """);
        start.Environment["KEY"] = AdminKey;
        using var shell = Process.Start(start)!;
        var stdout = shell.StandardOutput.ReadToEndAsync();
        var stderr = shell.StandardError.ReadToEndAsync();
        await shell.WaitForExitAsync().WaitAsync(StartTimeout);
        return (shell.ExitCode, await stdout + await stderr);
    }

    /// <summary>bash at the repository root, in an environment like a newcomer's shell that exported what the README says.</summary>
    private static ProcessStartInfo Shell(string script)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = DocsPage.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        // The test host's own MSBuild settings would steer a nested `dotnet run`; a newcomer's shell has none. Build
        // nodes left running would hold the output pipes open after the build.
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        // The command as written, but building the configuration this test run was built in: an up-to-date check
        // instead of a second full build of the local host and everything it references.
        start.Environment["Configuration"] = BuiltConfiguration;
        start.Environment["COSMOS_DISABLE_IMDS_ACCESS"] = "true";
        return start;
    }

    private static string BuiltConfiguration =>
        typeof(ReadmeLocalHost).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    public async Task DisposeAsync()
    {
        if (process is not null)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        if (storage.ConnectionString.Length > 0) await storage.DisposeAsync();
        if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
    }

    [GeneratedRegex(@"^Todo API: http://(?<authority>[^/]+)/api/todos$")]
    private static partial Regex ApiLine();
}
