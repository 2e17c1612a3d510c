namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>The journal of an in-memory account: records nothing, so a restart starts empty.</summary>
public sealed class NullJournal : IJournal
{
    public static NullJournal Instance { get; } = new();

    private NullJournal()
    {
    }

    public void Append(JournalEntry entry)
    {
    }

    public void Replay(Action<JournalEntry> apply)
    {
    }

    public Task CompactAsync() => Task.CompletedTask;

    public void Dispose()
    {
    }
}
