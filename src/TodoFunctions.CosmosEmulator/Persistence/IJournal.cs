namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>Where every state change the emulator acknowledges is recorded first, so a restart can rebuild the account.</summary>
public interface IJournal : IDisposable
{
    /// <summary>Records one entry; returns only once the entry is in the operating system's hands (survives kill -9).</summary>
    void Append(JournalEntry entry);

    /// <summary>Hands the recorded entries, oldest first, to <paramref name="apply"/> to rebuild the account at start;
    /// an entry that fails to apply is reported as an <see cref="InvalidDataException"/> naming where it was recorded.</summary>
    void Replay(Action<JournalEntry> apply);
}
