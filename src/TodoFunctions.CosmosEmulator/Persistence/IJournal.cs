namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>Where every state change the emulator acknowledges is recorded first, so a restart can rebuild the account.</summary>
public interface IJournal : IDisposable
{
    /// <summary>Records one entry; returns only once the entry is in the operating system's hands (survives kill -9).</summary>
    void Append(JournalEntry entry);

    /// <summary>
    /// Hands the recorded entries to <paramref name="apply"/> to rebuild the account at start. Entries about the
    /// account (databases, containers, partition key ranges) come one at a time, in the order they were recorded.
    /// <see cref="DocumentsChanged"/> entries of different containers may come concurrently, from several threads;
    /// those of one container come in order, and only after the <see cref="ContainerCreated"/> they follow.
    /// An entry that fails to apply is reported as an <see cref="InvalidDataException"/> naming the file and line
    /// where it was recorded.
    /// </summary>
    void Replay(Action<JournalEntry> apply);

    /// <summary>Folds what was recorded so far so the next start reads less; completes when that is done.</summary>
    Task CompactAsync();
}
