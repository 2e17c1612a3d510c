namespace TodoFunctions.Cosmos;

/// <summary>
/// An event of a schema version this code does not know yet: a newer release wrote it, during a rolling deploy or
/// after a rollback. It is never guessed at. A command answers 503 (an instance of the newer release serves it); the
/// projector parks the todo at that event with this message, and an instance that reads the version resumes it.
/// </summary>
public sealed class EventFromNewerReleaseException(string documentId, string type, int schemaVersion, int readsUpTo)
    : Exception($"Document {documentId}: schema v{schemaVersion} of {type} is newer than this release reads (v{readsUpTo}); a newer release wrote it.")
{
    public string Type { get; } = type;

    public int SchemaVersion { get; } = schemaVersion;
}
