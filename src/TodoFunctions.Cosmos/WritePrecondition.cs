namespace TodoFunctions.Cosmos;

/// <summary>
/// What a write demands of the todo it changes (HTTP <c>If-Match</c> / <c>If-None-Match</c>), given the version of the
/// todo's current representation, or <c>null</c> when it has none (never created, or deleted). The command service
/// evaluates it against the stream it loaded, before deciding, and again after every lost race.
/// </summary>
public delegate bool WritePrecondition(long? currentVersion);
