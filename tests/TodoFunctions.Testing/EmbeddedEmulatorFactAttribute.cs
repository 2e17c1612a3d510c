using Xunit;

namespace TodoFunctions.Testing;

/// <summary>A test of the embedded emulator itself (its request log, its journal): skipped when the suite runs
/// against an external endpoint.</summary>
public sealed class EmbeddedEmulatorFactAttribute : FactAttribute
{
    public EmbeddedEmulatorFactAttribute() => Skip = SkipReason;

    /// <summary>Why a test that needs the embedded emulator is skipped; null when the suite runs on it.</summary>
    internal static string? SkipReason => CosmosEndpoint.ExternalConnectionString is null
        ? null
        : $"Runs only on the embedded emulator; {CosmosEndpoint.ConnectionStringVariable} points elsewhere.";
}
