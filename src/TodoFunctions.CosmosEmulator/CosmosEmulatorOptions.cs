using Microsoft.Extensions.Logging;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.CosmosEmulator.Persistence;

namespace TodoFunctions.CosmosEmulator;

/// <summary>How to start an emulator: where it listens, whether it keeps data, which key clients must sign with.</summary>
public sealed record CosmosEmulatorOptions
{
    /// <summary>The official emulator's published key, so tools configured for it work unchanged.</summary>
    public const string WellKnownAccountKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Serve HTTPS with a self-signed certificate generated at start.</summary>
    public bool UseHttps { get; init; }

    /// <summary>Where every acknowledged write is journaled; null keeps everything in memory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>With a data directory: every write is on the disk (not just handed to the operating system) before it is acknowledged.</summary>
    public bool Durable { get; init; }

    /// <summary>With a data directory: once the journal written since the last checkpoint reaches this many bytes, a
    /// background compaction folds it into a new checkpoint, so start time does not grow with history.</summary>
    public long CompactAfterJournalBytes { get; init; } = FileJournal.DefaultCompactAfterBytes;

    /// <summary>A pause between the steps of each compaction, so crash tests can kill the emulator in the middle of
    /// one; zero (the default) outside such tests.</summary>
    public TimeSpan CompactionStepDelay { get; init; }

    public string AccountKey { get; init; } = WellKnownAccountKey;

    /// <summary>How far behind the replica is that serves reads without a session token covering the latest write:
    /// such readers see the container exactly this long ago. Zero (the default) serves every read fresh.</summary>
    public TimeSpan ReplicaLag { get; init; }

    /// <summary>With Microsoft Entra ID tokens: the identity holds only the Data Contributor role, so creating,
    /// replacing or deleting databases and containers answers 403, as in Azure. Master-key callers are unaffected.</summary>
    public bool EnforceDataPlaneRoles { get; init; }

    /// <summary>The emulator's clock: item timestamps, time to live, replica lag and the 15-minute window for a request's date; tests may substitute one they control.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How many partition key ranges a new container gets unless <see cref="PartitionKeyRangesByContainer"/>
    /// names it; 1 (the default) keeps every query and change feed on one range.</summary>
    public int PartitionKeyRanges { get; init; } = 1;

    /// <summary>Range counts for new containers by container id, overriding <see cref="PartitionKeyRanges"/>.</summary>
    public IReadOnlyDictionary<string, int> PartitionKeyRangesByContainer { get; init; } = new Dictionary<string, int>();

    /// <summary>Receives the request log (category <c>TodoFunctions.CosmosEmulator.Requests</c>, Debug level).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Cuts query pages short or leaves them empty, seeded; null serves full pages.</summary>
    public ShortQueryPages? ShortQueryPages { get; init; }

    /// <summary>Faults to inject from the start; <see cref="CosmosEmulatorServer.Faults"/> replaces or clears them later.</summary>
    public FaultPlan? Faults { get; init; }

    /// <summary>For tests: the journal to replay and append to, in place of <see cref="DataDirectory"/>'s (which is then
    /// ignored). The server owns it: it disposes it when it stops, or when its start fails.</summary>
    internal IJournal? Journal { get; init; }
}
