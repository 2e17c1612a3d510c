namespace TodoFunctions.Cosmos.Tests;

/// <summary>The dead-letter queue as a list, which can be told to refuse records as a queue that is down would.</summary>
internal sealed class RecordingPoisonSink : IPoisonEventSink
{
    private readonly List<PoisonEvent> recorded = [];
    private readonly List<UnreadableDocument> unreadables = [];

    public bool Refuse { get; set; }

    public IReadOnlyList<PoisonEvent> Recorded
    {
        get { lock (recorded) return [.. recorded]; }
    }

    public IReadOnlyList<UnreadableDocument> Unreadable
    {
        get { lock (unreadables) return [.. unreadables]; }
    }

    public Task RecordAsync(PoisonEvent poison, CancellationToken cancellationToken)
    {
        if (Refuse) throw new IOException("The dead-letter queue is unavailable.");
        lock (recorded) recorded.Add(poison);
        return Task.CompletedTask;
    }

    public Task RecordUnreadableAsync(UnreadableDocument unreadable, CancellationToken cancellationToken)
    {
        if (Refuse) throw new IOException("The dead-letter queue is unavailable.");
        lock (unreadables) unreadables.Add(unreadable);
        return Task.CompletedTask;
    }
}
