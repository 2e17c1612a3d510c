using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TodoFunctions.Testing;

/// <summary>
/// The local host as its own process (<c>TodoFunctions.Local.dll</c>, built next to a test program that references
/// <c>TodoFunctions.Local</c>), so a test can kill it with SIGKILL the way a machine dies: no shutdown, no drain,
/// nothing flushed.
/// </summary>
public sealed partial class LocalHostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly List<string> output;

    private LocalHostProcess(Process process, Uri baseAddress, List<string> output)
    {
        this.process = process;
        this.output = output;
        BaseAddress = baseAddress;
    }

    /// <summary>The API root, <c>…/api/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Everything the process printed so far (its log), to show when something it did went wrong.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (output) return [.. output];
        }
    }

    public static async Task<LocalHostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TodoFunctions.Local.dll"));
        foreach (var (name, value) in settings.Append(new("urls", "http://127.0.0.1:0")))
            start.ArgumentList.Add($"--{name}={value}");
        start.Environment["COSMOS_DISABLE_IMDS_ACCESS"] = "true";

        var process = Process.Start(start)!;
        var output = new List<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) => Observe(line.Data);
        process.ErrorDataReceived += (_, line) => Observe(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(listening.Task, exited, Task.Delay(StartTimeout)) != listening.Task)
        {
            process.Kill(entireProcessTree: true);
            string log;
            lock (output) log = string.Join(Environment.NewLine, output);
            throw new InvalidOperationException($"The local host process did not start:{Environment.NewLine}{log}");
        }
        return new LocalHostProcess(process, await listening.Task, output);

        void Observe(string? line)
        {
            if (line is null) return;
            lock (output) output.Add(line);
            if (ApiLine().Match(line) is { Success: true } match) listening.TrySetResult(new Uri(match.Groups["root"].Value));
        }
    }

    /// <summary>SIGKILL: the process ends at once, wherever it is.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) await KillAsync();
        process.Dispose();
    }

    [GeneratedRegex(@"^Todo API: (?<root>\S+/api/)todos$")]
    private static partial Regex ApiLine();
}
