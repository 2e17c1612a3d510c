using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// A host that stops while a batch is being projected cancels that batch; its lease is not checkpointed and the
/// batch is delivered again after the restart. That is the shutdown working, not a failure to alert on.
/// </summary>
public sealed class ProcessorStopTests(CosmosEndpoint endpoint) : IClassFixture<CosmosEndpoint>
{
    private static readonly FaultPlan SlowReadModelWrites = new()
    {
        Seed = 3,
        Rules =
        [
            new FaultRule
            {
                Operations = [FaultOperation.Create, FaultOperation.Replace, FaultOperation.Upsert, FaultOperation.Patch, FaultOperation.Batch],
                Container = TodoStoreLayout.ReadModelContainer, Outcome = FaultOutcome.Latency, LatencyMs = 2000,
            },
        ],
    };

    [EmbeddedEmulatorFact]
    public async Task A_host_stopping_while_a_batch_is_projected_logs_no_error_and_the_batch_is_projected_after_the_restart()
    {
        var logs = new RecordingLoggerProvider();
        var databaseName = endpoint.UniqueName("todos"); // named, so stopping the first host does not delete it
        var store = await TodoStoreHarness.StartAsync(endpoint, withProjector: true, databaseName, logs: logs);
        Guid created;
        try
        {
            endpoint.Emulator!.Faults.Install(SlowReadModelWrites);
            created = await store.CreateAsync("projected when the host stops");
            await TodoStoreHarness.EventuallyAsync(() => Task.FromResult(endpoint.Emulator.Faults.Injected.Count > 0));
        }
        finally
        {
            await store.DisposeAsync();
            endpoint.Emulator!.Faults.Clear();
        }

        var errors = logs.Entries.Where(entry => entry.Level >= LogLevel.Error).Select(entry => $"{entry.Category}: {entry.Message}").ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors));
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Information && entry.Message.Contains("stopped with the host during a batch", StringComparison.Ordinal));
        await using var restarted = await TodoStoreHarness.StartAsync(endpoint, withProjector: true, databaseName);
        await TodoStoreHarness.EventuallyAsync(async () => await restarted.ReadModel.GetAsync(created, default) is not null);
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Recording(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Recording(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")));
        }
    }
}
