namespace TodoFunctions.ChaosSoak;

/// <summary>How long the workload runs and the seed everything random derives from: the command line, else the environment.</summary>
internal sealed record SoakOptions(long Seed, int Seconds)
{
    public const string SecondsVariable = "TODOFUNCTIONS_SOAK_SECONDS";
    public const string SeedVariable = "TODOFUNCTIONS_SOAK_SEED";
    private const int DefaultSeconds = 60;

    public string ReplayCommand => $"dotnet run --project tests/TodoFunctions.ChaosSoak -c Release -- --seed {Seed} --seconds {Seconds}";

    /// <exception cref="FormatException">A seed or duration that is not a number, or a duration under one second.</exception>
    public static SoakOptions Parse(string[] args)
    {
        var seed = Argument(args, "--seed") ?? Environment.GetEnvironmentVariable(SeedVariable);
        var seconds = Argument(args, "--seconds") ?? Environment.GetEnvironmentVariable(SecondsVariable);
        var options = new SoakOptions(
            string.IsNullOrEmpty(seed) ? Random.Shared.NextInt64(1, 1_000_000_000) : long.Parse(seed),
            string.IsNullOrEmpty(seconds) ? DefaultSeconds : int.Parse(seconds));
        return options.Seconds >= 1 ? options : throw new FormatException("--seconds must be at least 1.");
    }

    private static string? Argument(string[] args, string name) =>
        Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
