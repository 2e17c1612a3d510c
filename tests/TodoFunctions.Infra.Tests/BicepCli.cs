using System.Reflection;

namespace TodoFunctions.Infra.Tests;

/// <summary>The Bicep CLI that NuGet restores with this project, so the tests need no Bicep installed on the machine.</summary>
public static class BicepCli
{
    public static string InfraDirectory { get; } = Metadata("InfraDirectory");

    public static string TestSourceDirectory { get; } = Metadata("TestSourceDirectory");

    private static readonly Lazy<string> Executable = new(MakeExecutable);

    public static string ExecutablePath => Executable.Value;

    // NuGet does not always keep the execute bit of the files it extracts from a package.
    private static string MakeExecutable()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Bicep CLI these tests restore is the linux-x64 build.");
        }

        var path = Metadata("BicepPath");
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value!;
}
