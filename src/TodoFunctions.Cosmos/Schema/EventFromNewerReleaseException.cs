namespace TodoFunctions.Cosmos;

/// <summary>
/// An event of a type, or of a schema version, this code does not know yet: a newer release wrote it, during a rolling
/// deploy or after a rollback. It is never guessed at. A command answers 503 (an instance of the newer release serves
/// it); the projector parks the todo at that event with this message, and an instance that reads it resumes it.
/// </summary>
public sealed class EventFromNewerReleaseException : Exception
{
    public EventFromNewerReleaseException(string documentId, string type, int schemaVersion, int readsUpTo)
        : this(type, schemaVersion, $"Document {documentId}: schema v{schemaVersion} of {type} is newer than this release reads (v{readsUpTo}); a newer release wrote it.")
    {
    }

    private EventFromNewerReleaseException(string type, int schemaVersion, string message) : base(message)
    {
        Type = type;
        SchemaVersion = schemaVersion;
    }

    public string Type { get; }

    public int SchemaVersion { get; }

    /// <summary>An event type this release has never heard of, stored at <paramref name="schemaVersion"/>.</summary>
    public static EventFromNewerReleaseException OfUnknownType(string documentId, string type, int schemaVersion) =>
        new(type, schemaVersion, $"Document {documentId}: the event type {type} (schema v{schemaVersion}) is unknown to this release; a newer release wrote it.");
}
