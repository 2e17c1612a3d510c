namespace TodoFunctions.Cosmos;

/// <summary>
/// An event of a schema version this code does not know yet: a newer release wrote it, during a rolling deploy or
/// after a rollback. Not poison: an instance of that release reads it. The projector retries it and then lets its
/// lease go rather than park the todo, and a command answers 503 instead of 500.
/// </summary>
public sealed class EventFromNewerReleaseException(string documentId, int schemaVersion, int readsUpTo)
    : Exception($"Document {documentId} has schema version {schemaVersion}; this release reads up to {readsUpTo}: a newer release wrote it.");
