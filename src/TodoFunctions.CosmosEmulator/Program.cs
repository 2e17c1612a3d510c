using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.CosmosEmulator.Persistence;

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
        Durable = arguments.Durable,
        CompactAfterJournalBytes = arguments.CompactAfterMegabytes * 1024 * 1024,
        CompactionStepDelay = TimeSpan.FromMilliseconds(arguments.CompactionStepDelayMs),
        EnforceDataPlaneRoles = arguments.EnforceDataPlaneRoles,
        AccountKey = arguments.AccountKey,
        PartitionKeyRanges = arguments.PartitionKeyRanges,
        ReplicaLag = TimeSpan.FromMilliseconds(arguments.ReplicaLagMs),
        LoggerFactory = loggerFactory,
        Faults = faults,
    });
}
catch (Exception exception) when (exception is IOException or InvalidDataException)
{
    // The port is taken, the data directory is in use or its journal is damaged: the message says which and
    // where; a stack trace adds nothing.
    Console.Error.WriteLine(exception.Message);
    return 1;
}

await using (var server = startedServer)
{
    Console.WriteLine($"Cosmos DB emulator listening on {server.Endpoint}");
    Console.WriteLine(arguments.DataDirectory is null
        ? "Data: in memory (lost on exit; use --data-dir PATH to keep it)"
        : $"Data: {Path.GetFullPath(arguments.DataDirectory)}{(arguments.Durable ? " (durable: every write is on disk before it is acknowledged)" : "")}");
    if (arguments.ReplicaLagMs > 0)
        Console.WriteLine($"Replica lag: {arguments.ReplicaLagMs} ms (reads without a covering session token see the data as it was then)");
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
        Usage: TodoFunctions.CosmosEmulator [--port 8081] [--http] [--data-dir PATH [--durable] [--compact-after-mb 64]] [--key KEY] [--partitions 1] [--enforce-data-plane-roles] [--replica-lag-ms 0] [--log-level Information]
                                            [--faults FILE.json [--seed N]]
          --port N         port on the loopback interface (0 = any free port); default 8081
          --http           plain HTTP instead of HTTPS with a self-signed certificate
          --data-dir PATH  keep data in PATH (every acknowledged write survives a crash); default: in memory
          --durable        with --data-dir: write each change through to disk before acknowledging it (survives power loss)
          --compact-after-mb N  with --data-dir: fold the journal into a new checkpoint, in the background, once N MB
                           were written since the last one; default 64
          --compaction-step-delay-ms N  pause N ms between the steps of a compaction (for crash tests); default 0
          --key KEY        account key (base64); default: the official emulator's well-known key
          --partitions N   partition key ranges of each new container; default 1
          --enforce-data-plane-roles
                           Entra ID callers get only the Data Contributor role: no database or container changes (403)
          --replica-lag-ms N  reads without a session token covering the latest write see data N ms old; default 0
          --log-level L    Trace, Debug (one line per request), Information, Warning, Error; default Information
          --faults FILE    inject the faults of this fault plan (JSON, see docs/emulator.md); default: none
          --seed N         the fault plan's seed (overrides the file's); default: the file's, else random and printed
        """;

    public int Port { get; private init; } = 8081;
    public bool UseHttps { get; private init; } = true;
    public string? DataDirectory { get; private init; }
    public bool Durable { get; private init; }
    public long CompactAfterMegabytes { get; private init; } = FileJournal.DefaultCompactAfterBytes / (1024 * 1024);
    public int CompactionStepDelayMs { get; private init; }
    public bool EnforceDataPlaneRoles { get; private init; }
    public string AccountKey { get; private init; } = CosmosEmulatorOptions.WellKnownAccountKey;
    public int ReplicaLagMs { get; private init; }
    public int PartitionKeyRanges { get; private init; } = 1;
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
            var switched = name switch
            {
                "--http" => arguments with { UseHttps = false },
                "--durable" => arguments with { Durable = true },
                "--enforce-data-plane-roles" => arguments with { EnforceDataPlaneRoles = true },
                "--help" or "-h" => arguments with { ShowHelp = true },
                _ => null,
            };
            if (switched is not null)
            {
                arguments = switched;
                continue;
            }
            var value = index + 1 < args.Length ? args[++index] : null;
            (arguments, error) = (name, value) switch
            {
                (_, null) when name is "--port" or "--data-dir" or "--key" or "--partitions" or "--replica-lag-ms" or "--log-level" or "--faults" or "--seed" or "--compact-after-mb" or "--compaction-step-delay-ms" => (arguments, $"{name} needs a value."),
                ("--port", _) when int.TryParse(value, out var port) && port is >= 0 and <= 65535 => (arguments with { Port = port }, null),
                ("--port", _) => (arguments, $"--port '{value}' is not a port number."),
                ("--data-dir", _) => (arguments with { DataDirectory = value }, null),
                ("--compact-after-mb", _) when long.TryParse(value, out var megabytes) && megabytes >= 1 => (arguments with { CompactAfterMegabytes = megabytes }, null),
                ("--compact-after-mb", _) => (arguments, $"--compact-after-mb '{value}' is not a whole number of at least 1."),
                ("--compaction-step-delay-ms", _) when int.TryParse(value, out var delay) && delay >= 0 => (arguments with { CompactionStepDelayMs = delay }, null),
                ("--compaction-step-delay-ms", _) => (arguments, $"--compaction-step-delay-ms '{value}' is not a whole number of milliseconds."),
                ("--key", _) when IsBase64(value!) => (arguments with { AccountKey = value! }, null),
                ("--key", _) => (arguments, "--key must be base64, like the account keys Cosmos DB issues."),
                ("--partitions", _) when int.TryParse(value, out var ranges) && ranges >= 1 => (arguments with { PartitionKeyRanges = ranges }, null),
                ("--partitions", _) => (arguments, $"--partitions '{value}' is not a whole number of at least 1."),
                ("--replica-lag-ms", _) when int.TryParse(value, out var lag) && lag >= 0 => (arguments with { ReplicaLagMs = lag }, null),
                ("--replica-lag-ms", _) => (arguments, $"--replica-lag-ms '{value}' is not a whole number of milliseconds."),
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
