using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>One acknowledged state change of the emulated account, as replayed at start.</summary>
public abstract record JournalEntry;

/// <summary>A database came into existence with this resource body.</summary>
public sealed record DatabaseCreated(string Database, JObject Resource) : JournalEntry;

/// <summary>A database and everything in it went away.</summary>
public sealed record DatabaseDeleted(string Database) : JournalEntry;

/// <summary>A container came into existence with this resource body.</summary>
public sealed record ContainerCreated(string Database, string Container, JObject Resource) : JournalEntry;

/// <summary>A container and its documents went away.</summary>
public sealed record ContainerDeleted(string Database, string Container) : JournalEntry;

/// <summary>One acknowledged write to a container; a batch is one entry so replay applies it all or not at all.</summary>
public sealed record DocumentsChanged(string Database, string Container, IReadOnlyList<DocumentChange> Changes) : JournalEntry;

/// <summary>A document after a write (null when deleted) with the LSN it was given, so replay restores ETags, LSNs and the change feed.</summary>
public sealed record DocumentChange(string PartitionKeyJson, string Id, DocumentJson? Document, long Lsn);
