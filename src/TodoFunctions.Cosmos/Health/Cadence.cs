namespace TodoFunctions.Cosmos.Health;

/// <summary>Says when a costly read is due again: at the first call, then once <c>interval</c> has passed since the last due one.</summary>
internal sealed class Cadence(TimeSpan interval)
{
    private DateTimeOffset? last;

    public bool Due(DateTimeOffset now)
    {
        if (last is { } at && now - at < interval) return false;
        last = now;
        return true;
    }
}
