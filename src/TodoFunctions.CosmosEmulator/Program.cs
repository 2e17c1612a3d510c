using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.CosmosEmulator.Faults;

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
FaultPlan? faults = null;
try
{
    if (arguments.FaultsFile is not null)
    {
        var plan = FaultPlan.Parse(File.ReadAllText(arguments.FaultsFile));
        faults = plan with { Seed = arguments.Seed ?? plan.Seed };
    }
}
catch (Exception invalid) when (invalid is IOException or FormatException)
{
    Console.Error.WriteLine($"--faults {arguments.FaultsFile}: {invalid.Message}");
    return 2;
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
        LoggerFactory = loggerFactory,
        Faults = faults,
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
    if (server.Faults.Plan is { } installed)
        Console.WriteLine($"Faults: {installed.Rules.Count} rules from {arguments.FaultsFile}, seed {installed.Seed}");
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
        Usage: TodoFunctions.CosmosEmulator [--port 8081] [--http] [--data-dir PATH] [--key KEY] [--log-level Information]
                                            [--faults FILE.json [--seed N]]
          --port N         port on the loopback interface (0 = any free port); default 8081
          --http           plain HTTP instead of HTTPS with a self-signed certificate
          --data-dir PATH  keep data in PATH (every acknowledged write survives a crash); default: in memory
          --key KEY        account key (base64); default: the official emulator's well-known key
          --log-level L    Trace, Debug (one line per request), Information, Warning, Error; default Information
          --faults FILE    inject the faults of this fault plan (JSON, see the README); default: none
          --seed N         the fault plan's seed (overrides the file's); default: the file's, else random and printed
        """;

    public int Port { get; private init; } = 8081;
    public bool UseHttps { get; private init; } = true;
    public string? DataDirectory { get; private init; }
    public string AccountKey { get; private init; } = CosmosEmulatorOptions.WellKnownAccountKey;
    public LogLevel LogLevel { get; private init; } = LogLevel.Information;
    public bool ShowHelp { get; private init; }
    public string? FaultsFile { get; private init; }
    public long? Seed { get; private init; }

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
                (_, null) when name is "--port" or "--data-dir" or "--key" or "--log-level" or "--faults" or "--seed" => (arguments, $"{name} needs a value."),
                ("--port", _) when int.TryParse(value, out var port) && port is >= 0 and <= 65535 => (arguments with { Port = port }, null),
                ("--port", _) => (arguments, $"--port '{value}' is not a port number."),
                ("--data-dir", _) => (arguments with { DataDirectory = value }, null),
                ("--key", _) when IsBase64(value!) => (arguments with { AccountKey = value! }, null),
                ("--key", _) => (arguments, "--key must be base64, like the account keys Cosmos DB issues."),
                ("--log-level", _) when Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) => (arguments with { LogLevel = level }, null),
                ("--log-level", _) => (arguments, $"--log-level '{value}' is not one of {string.Join(", ", Enum.GetNames<LogLevel>())}."),
                ("--faults", _) => (arguments with { FaultsFile = value }, null),
                ("--seed", _) when long.TryParse(value, out var seed) => (arguments with { Seed = seed }, null),
                ("--seed", _) => (arguments, $"--seed '{value}' is not an integer."),
                _ => (arguments, $"Unknown option '{name}'."),
            };
        }
        if (error is null && arguments.Seed is not null && arguments.FaultsFile is null)
            error = "--seed is the seed of a fault plan: it needs --faults FILE.";
        return error is null;
    }

    private static bool IsBase64(string value) => Convert.TryFromBase64String(value, new byte[value.Length], out _);
}
