using Xunit;

namespace TodoFunctions.Testing;

/// <summary>A data-driven test that needs the embedded emulator (its fault plan): skipped against an external endpoint.</summary>
public sealed class EmbeddedEmulatorTheoryAttribute : TheoryAttribute
{
    public EmbeddedEmulatorTheoryAttribute() => Skip = EmbeddedEmulatorFactAttribute.SkipReason;
}
