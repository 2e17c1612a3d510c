namespace TodoFunctions.CosmosEmulator.Tests.Session;

/// <summary>A clock that stands still until a test moves it, so a replica-lag window (or a compaction's idle second)
/// never runs out by accident.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long ticks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}
