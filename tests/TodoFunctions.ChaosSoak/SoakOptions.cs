namespace TodoFunctions.ChaosSoak;

/// <summary>
/// How long the workload runs, the seed everything random derives from, and how far the emulator's read replica lags
/// behind writes (reads without a covering session token see the container that long ago): the command line, else
/// the environment.
/// </summary>
internal sealed record SoakOptions(long Seed, int Seconds, int ReplicaLagMs = 0)
{
    public const string SecondsVariable = "TODOFUNCTIONS_SOAK_SECONDS";
    public const string SeedVariable = "TODOFUNCTIONS_SOAK_SEED";
    public const string ReplicaLagVariable = "TODOFUNCTIONS_SOAK_REPLICA_LAG_MS";
    private const int DefaultSeconds = 60;

    public string ReplayCommand =>
        $"dotnet run --project tests/TodoFunctions.ChaosSoak -c Release -- --seed {Seed} --seconds {Seconds}" + (ReplicaLagMs > 0 ? $" --replica-lag-ms {ReplicaLagMs}" : "");

    /// <exception cref="FormatException">A seed or duration that is not a number, or a duration under one second.</exception>
    public static SoakOptions Parse(string[] args)
    {
        var seed = Argument(args, "--seed") ?? Environment.GetEnvironmentVariable(SeedVariable);
        var seconds = Argument(args, "--seconds") ?? Environment.GetEnvironmentVariable(SecondsVariable);
        var lag = Argument(args, "--replica-lag-ms") ?? Environment.GetEnvironmentVariable(ReplicaLagVariable);
        var options = new SoakOptions(
            string.IsNullOrEmpty(seed) ? Random.Shared.NextInt64(1, 1_000_000_000) : long.Parse(seed),
            string.IsNullOrEmpty(seconds) ? DefaultSeconds : int.Parse(seconds),
            string.IsNullOrEmpty(lag) ? 0 : int.Parse(lag));
        if (options.Seconds < 1) throw new FormatException("--seconds must be at least 1.");
        return options.ReplicaLagMs >= 0 ? options : throw new FormatException("--replica-lag-ms must not be negative.");
    }

    private static string? Argument(string[] args, string name) =>
        Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
