using Microsoft.Extensions.Logging;
using TodoFunctions.CosmosEmulator.Faults;

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

    public string AccountKey { get; init; } = WellKnownAccountKey;

    /// <summary>Receives the request log (category <c>TodoFunctions.CosmosEmulator.Requests</c>, Debug level).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Faults to inject from the start; <see cref="CosmosEmulatorServer.Faults"/> replaces or clears them later.</summary>
    public FaultPlan? Faults { get; init; }
}
