using Xunit;

namespace TodoFunctions.Testing;

/// <summary>A theory that needs the embedded emulator (e.g. its fault plan): skipped when the suite runs against an
/// external endpoint.</summary>
public sealed class EmbeddedEmulatorTheoryAttribute : TheoryAttribute
{
    public EmbeddedEmulatorTheoryAttribute() => Skip = EmbeddedEmulatorFactAttribute.SkipReason;
}
