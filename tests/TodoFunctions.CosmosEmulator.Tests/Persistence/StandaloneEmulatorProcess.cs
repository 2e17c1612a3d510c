using System.Diagnostics;
using System.Text;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>
/// The standalone emulator as a child process, started the way a developer starts it, so it can be killed the
/// way a crash kills it. Also linked into the emulator benchmark, which times its start.
/// </summary>
public sealed class StandaloneEmulatorProcess : IDisposable
{
    private const string ConnectionStringPrefix = "Connection string: ";
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<string> connectionString = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StandaloneEmulatorProcess(Process process) => this.process = process;

    public int ProcessId => process.Id;

    /// <summary>Everything the emulator printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
                return output.ToString();
        }
    }

    public static StandaloneEmulatorProcess Start(params string[] arguments)
    {
        // The emulator project is referenced, so its dll, runtimeconfig and deps files sit next to this assembly.
        var emulatorDll = typeof(CosmosEmulatorServer).Assembly.Location;
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(emulatorDll);
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        startInfo.Environment["COSMOS_DISABLE_IMDS_ACCESS"] = "true";

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var emulator = new StandaloneEmulatorProcess(process);
        process.OutputDataReceived += (_, line) => emulator.Record(line.Data);
        process.ErrorDataReceived += (_, line) => emulator.Record(line.Data);
        process.Exited += (_, _) =>
        {
            // Exited can come before the last lines of output: the parameterless wait lets them arrive first.
            process.WaitForExit();
            emulator.connectionString.TrySetException(new InvalidOperationException($"The emulator exited before it listened:\n{emulator.Output}"));
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return emulator;
    }

    /// <summary>The connection string the emulator prints once it accepts requests.</summary>
    public async Task<string> WaitUntilListeningAsync(TimeSpan timeout)
    {
        try
        {
            return await connectionString.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The emulator did not listen within {timeout}:\n{Output}");
        }
    }

    /// <summary>The exit code of an emulator that stops by itself (e.g. refusing its data directory).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancellation.Token);
        return process.ExitCode;
    }

    /// <summary>Ends the process the way kill -9 does: no shutdown code runs.</summary>
    public void KillHard()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
            KillHard();
        process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.AppendLine(line);
        if (line.StartsWith(ConnectionStringPrefix, StringComparison.Ordinal))
            connectionString.TrySetResult(line[ConnectionStringPrefix.Length..]);
    }

    // The SDK tells child processes which dotnet runs the build; outside it, the one on the PATH.
    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
