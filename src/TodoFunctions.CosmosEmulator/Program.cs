using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TodoFunctions.CosmosEmulator;

// The standalone emulator, with the official emulator's defaults: HTTPS on port 8081, the well-known key.
if (!StandaloneArguments.TryParse(args, out var arguments, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(StandaloneArguments.Usage);
    return 2;
}
if (arguments.ShowHelp)
{
    Console.WriteLine(StandaloneArguments.Usage);
    return 0;
}

// ASP.NET Core's own startup chatter repeats what is printed below; its warnings and errors still show.
var frameworkLevel = (LogLevel)Math.Max((int)LogLevel.Warning, (int)arguments.LogLevel);
using var loggerFactory = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(arguments.LogLevel)
    .AddFilter("Microsoft", frameworkLevel)
    .AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "HH:mm:ss.fff ";
    }));

var stopRequested = new TaskCompletionSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopGracefully);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopGracefully);

CosmosEmulatorServer startedServer;
try
{
    startedServer = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions
    {
        Port = arguments.Port,
        UseHttps = arguments.UseHttps,
        DataDirectory = arguments.DataDirectory,
        AccountKey = arguments.AccountKey,
        PartitionKeyRanges = arguments.PartitionKeyRanges,
        LoggerFactory = loggerFactory,
    });
}
catch (IOException exception)
{
    // The port is taken or the data directory is in use: the message says which, a stack trace adds nothing.
    Console.Error.WriteLine(exception.Message);
    return 1;
}

await using (var server = startedServer)
{
    Console.WriteLine($"Cosmos DB emulator listening on {server.Endpoint}");
    Console.WriteLine(arguments.DataDirectory is null
        ? "Data: in memory (lost on exit; use --data-dir PATH to keep it)"
        : $"Data: {Path.GetFullPath(arguments.DataDirectory)}");
    if (arguments.UseHttps)
        Console.WriteLine("Certificate: self-signed for localhost and 127.0.0.1, new at every start (clients must accept it)");
    Console.WriteLine($"Connection string: {server.ConnectionString}");
    Console.WriteLine("Press Ctrl+C to stop.");
    await stopRequested.Task;
}
return 0;

void StopGracefully(PosixSignalContext signal)
{
    signal.Cancel = true;
    stopRequested.TrySetResult();
}

/// <summary>The standalone emulator's command line.</summary>
internal sealed record StandaloneArguments
{
    public const string Usage = """
        Usage: TodoFunctions.CosmosEmulator [--port 8081] [--http] [--data-dir PATH] [--key KEY] [--partitions 1] [--log-level Information]
          --port N         port on the loopback interface (0 = any free port); default 8081
          --http           plain HTTP instead of HTTPS with a self-signed certificate
          --data-dir PATH  keep data in PATH (every acknowledged write survives a crash); default: in memory
          --key KEY        account key (base64); default: the official emulator's well-known key
          --partitions N   partition key ranges of each new container; default 1
          --log-level L    Trace, Debug (one line per request), Information, Warning, Error; default Information
        """;

    public int Port { get; private init; } = 8081;
    public bool UseHttps { get; private init; } = true;
    public string? DataDirectory { get; private init; }
    public string AccountKey { get; private init; } = CosmosEmulatorOptions.WellKnownAccountKey;
    public int PartitionKeyRanges { get; private init; } = 1;
    public LogLevel LogLevel { get; private init; } = LogLevel.Information;
    public bool ShowHelp { get; private init; }

    public static bool TryParse(string[] args, out StandaloneArguments arguments, out string? error)
    {
        arguments = new StandaloneArguments();
        error = null;
        for (var index = 0; index < args.Length && error is null; index++)
        {
            var name = args[index];
            if (name is "--http")
            {
                arguments = arguments with { UseHttps = false };
                continue;
            }
            if (name is "--help" or "-h")
            {
                arguments = arguments with { ShowHelp = true };
                continue;
            }
            var value = index + 1 < args.Length ? args[++index] : null;
            (arguments, error) = (name, value) switch
            {
                (_, null) when name is "--port" or "--data-dir" or "--key" or "--partitions" or "--log-level" => (arguments, $"{name} needs a value."),
                ("--port", _) when int.TryParse(value, out var port) && port is >= 0 and <= 65535 => (arguments with { Port = port }, null),
                ("--port", _) => (arguments, $"--port '{value}' is not a port number."),
                ("--data-dir", _) => (arguments with { DataDirectory = value }, null),
                ("--key", _) when IsBase64(value!) => (arguments with { AccountKey = value! }, null),
                ("--key", _) => (arguments, "--key must be base64, like the account keys Cosmos DB issues."),
                ("--partitions", _) when int.TryParse(value, out var ranges) && ranges >= 1 => (arguments with { PartitionKeyRanges = ranges }, null),
                ("--partitions", _) => (arguments, $"--partitions '{value}' is not a whole number of at least 1."),
                ("--log-level", _) when Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) => (arguments with { LogLevel = level }, null),
                ("--log-level", _) => (arguments, $"--log-level '{value}' is not one of {string.Join(", ", Enum.GetNames<LogLevel>())}."),
                _ => (arguments, $"Unknown option '{name}'."),
            };
        }
        return error is null;
    }

    private static bool IsBase64(string value) => Convert.TryFromBase64String(value, new byte[value.Length], out _);
}
