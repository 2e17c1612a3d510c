using System.Diagnostics;
using System.Reflection;

namespace TodoFunctions.Infra.Tests;

/// <summary>The Bicep CLI that NuGet restores with this project, so the tests need no Bicep installed on the machine.</summary>
public static class BicepCli
{
    public static string InfraDirectory { get; } = Metadata("InfraDirectory");

    private static readonly string ExecutablePath = Metadata("BicepPath");

    private static readonly Lazy<bool> Executable = new(MakeExecutable);

    public static async Task<BicepRun> RunAsync(params string[] arguments)
    {
        _ = Executable.Value;
        var startInfo = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var diagnostics = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var diagnosticLines = (await diagnostics).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new BicepRun(process.ExitCode, await output, diagnosticLines);
    }

    // NuGet does not always keep the execute bit of the files it extracts from a package.
    private static bool MakeExecutable()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Bicep CLI these tests restore is the linux-x64 build.");
        }

        var mode = File.GetUnixFileMode(ExecutablePath);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(ExecutablePath, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return true;
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value!;
}

/// <summary>One Bicep CLI invocation: its exit code, what it wrote to stdout, and its diagnostics (stderr, one per line).</summary>
public sealed record BicepRun(int ExitCode, string Output, IReadOnlyList<string> Diagnostics);
