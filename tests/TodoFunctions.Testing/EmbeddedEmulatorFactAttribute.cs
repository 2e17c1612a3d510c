using Xunit;

namespace TodoFunctions.Testing;

/// <summary>A test of the embedded emulator itself (its request log, its journal): skipped when the suite runs
/// against an external endpoint.</summary>
public sealed class EmbeddedEmulatorFactAttribute : FactAttribute
{
    public EmbeddedEmulatorFactAttribute()
    {
        if (CosmosEndpoint.ExternalConnectionString is not null)
            Skip = $"Runs only on the embedded emulator; {CosmosEndpoint.ConnectionStringVariable} points elsewhere.";
    }
}
