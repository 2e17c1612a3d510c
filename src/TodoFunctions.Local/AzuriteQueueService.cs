using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace TodoFunctions.Local;

/// <summary>How to start <see cref="AzuriteQueueService"/>.</summary>
public sealed record AzuriteOptions
{
    /// <summary>The loopback port of the queue service; 0 takes a free one.</summary>
    public int QueuePort { get; init; }

    /// <summary>Where Azurite keeps its data across restarts; null keeps it in memory only.</summary>
    public string? DataDirectory { get; init; }
}

/// <summary>
/// Azurite's queue service (the npm package <c>azurite</c>, pinned in <c>src/TodoFunctions.Local/azurite</c>) as a child
/// process on 127.0.0.1: the storage behind <c>AzureWebJobsStorage</c> for the local host and the tests. It stops on
/// dispose, and with this process even when this one is killed.
/// </summary>
public sealed partial class AzuriteQueueService : IAsyncDisposable
{
    /// <summary>The port of <c>UseDevelopmentStorage=true</c>'s queue endpoint.</summary>
    public const int DefaultQueuePort = 10001;

    /// <summary>What installs Azurite, run at the repository root; <c>.ci/run</c> runs it, and so does the first start.</summary>
    public const string InstallCommand = "npm ci --prefix src/TodoFunctions.Local/azurite";

    /// <summary>The well-known development account that Azurite serves and every Azure Storage SDK knows.</summary>
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process process;

    private AzuriteQueueService(Process process, Uri queueEndpoint)
    {
        this.process = process;
        QueueEndpoint = queueEndpoint;
    }

    /// <summary>The queue service of the development account, e.g. <c>http://127.0.0.1:10001/devstoreaccount1</c>.</summary>
    public Uri QueueEndpoint { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};QueueEndpoint={QueueEndpoint};";

    public static async Task<AzuriteQueueService> StartAsync(AzuriteOptions options, CancellationToken cancellationToken = default)
    {
        var script = Path.Combine(PackageDirectory(), "queue-service.js");
        await EnsureInstalledAsync(cancellationToken);

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(script, options)) start.ArgumentList.Add(argument);
        if (options.DataDirectory is not null) Directory.CreateDirectory(options.DataDirectory);

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception notFound)
        {
            throw new InvalidOperationException("Azurite needs Node.js: `node` is not on the PATH.", notFound);
        }
        process.OutputDataReceived += (_, line) => Observe(line.Data);
        process.ErrorDataReceived += (_, line) => Observe(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            var exited = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(listening.Task, exited) != listening.Task)
            {
                await exited;
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before it listened:{Environment.NewLine}{Joined(output)}");
            }
            return new AzuriteQueueService(process, new Uri(await listening.Task, AccountName));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Stop(process);
            throw new TimeoutException($"Azurite did not listen within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{Joined(output)}");
        }
        catch
        {
            Stop(process);
            throw;
        }

        void Observe(string? line)
        {
            if (line is null) return;
            lock (output) output.Add(line);
            if (ListeningLine().Match(line) is { Success: true } match) listening.TrySetResult(new Uri(match.Groups["url"].Value + "/"));
        }
    }

    /// <summary>
    /// Installs the pinned Azurite on first use, so that running the local host is all a fresh machine needs.
    /// </summary>
    private static async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        var azurite = Path.Combine(PackageDirectory(), "node_modules", "azurite", "dist", "src", "queue", "main.js");
        if (File.Exists(azurite)) return;

        Console.Error.WriteLine($"Installing Azurite: {InstallCommand}");
        var install = new ProcessStartInfo("npm") { WorkingDirectory = PackageDirectory(), UseShellExecute = false };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }) install.ArgumentList.Add(argument);
        try
        {
            using var npm = Process.Start(install)!;
            await npm.WaitForExitAsync(cancellationToken);
            if (npm.ExitCode == 0 && File.Exists(azurite)) return;
        }
        catch (System.ComponentModel.Win32Exception notFound)
        {
            throw new InvalidOperationException("Azurite is installed with npm, and `npm` is not on the PATH (install Node.js and npm).", notFound);
        }
        throw new InvalidOperationException($"Azurite could not be installed: run `{InstallCommand}` at the repository root and read its errors.");
    }

    /// <summary>Whether something accepts connections on a loopback port, such as an Azurite someone already runs.</summary>
    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Closing Azurite's standard input makes it shut down cleanly (saving its data); a kill is the fallback.</summary>
    public async ValueTask DisposeAsync()
    {
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Stop(process);
        }
        process.Dispose();
    }

    private static IEnumerable<string> Arguments(string script, AzuriteOptions options)
    {
        string[] common =
        [
            script, "--queueHost", "127.0.0.1", "--queuePort", options.QueuePort.ToString(),
            "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent",
        ];
        return options.DataDirectory is { } data ? [.. common, "--location", Path.GetFullPath(data)] : [.. common, "--inMemoryPersistence"];
    }

    /// <summary><c>src/TodoFunctions.Local/azurite</c>, found from the running program upwards (a build output lives under the repository).</summary>
    private static string PackageDirectory() =>
        RepositoryRoot.Find() is { } root
            ? Path.Combine(root, "src", "TodoFunctions.Local", "azurite")
            : throw new InvalidOperationException($"Azurite is found through the repository (TodoFunctions.sln), and {AppContext.BaseDirectory} is not inside it.");

    private static void Stop(Process process)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
    }

    private static string Joined(List<string> output)
    {
        lock (output) return string.Join(Environment.NewLine, output);
    }

    [GeneratedRegex(@"successfully listens on (?<url>http://\S+)")]
    private static partial Regex ListeningLine();
}
