using Xunit;

namespace TodoFunctions.Testing;

/// <summary>A data-driven test that needs the embedded emulator (its fault plan): skipped against an external endpoint.</summary>
public sealed class EmbeddedEmulatorTheoryAttribute : TheoryAttribute
{
    public EmbeddedEmulatorTheoryAttribute()
    {
        if (CosmosEndpoint.ExternalConnectionString is not null)
            Skip = $"Runs only on the embedded emulator; {CosmosEndpoint.ConnectionStringVariable} points elsewhere.";
    }
}
