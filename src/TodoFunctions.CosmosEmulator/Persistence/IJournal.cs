namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>Where every state change the emulator acknowledges is recorded first, so a restart can rebuild the account.</summary>
public interface IJournal : IDisposable
{
    /// <summary>Records one entry; returns only once the entry is in the operating system's hands (survives kill -9).</summary>
    void Append(JournalEntry entry);

    /// <summary>The recorded entries, oldest first, for replay at start.</summary>
    IEnumerable<JournalEntry> ReadAll();
}
