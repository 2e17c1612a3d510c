using System.Net;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.CosmosEmulator.Partitions;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Server;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator;

/// <summary>
/// An emulator of the Cosmos DB NoSQL gateway protocol on a loopback Kestrel listener, for the unmodified SDK in
/// Gateway mode: in-process for tests and the local host, or standalone through the console program.
/// </summary>
public sealed partial class CosmosEmulatorServer : IAsyncDisposable
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromSeconds(1);
    private const int MaxRequestHeadersBytes = 1024 * 1024;

    private readonly WebApplication application;
    private readonly IJournal journal;
    private readonly ITimer purgeTimer;
    private readonly PartitionControlEndpoint partitionControl;

    private CosmosEmulatorServer(WebApplication application, IJournal journal, ITimer purgeTimer, Uri endpoint, string accountKey, PartitionControlEndpoint partitionControl, FaultInjector faults)
    {
        this.partitionControl = partitionControl;
        this.application = application;
        this.journal = journal;
        this.purgeTimer = purgeTimer;
        Endpoint = endpoint;
        ConnectionString = $"AccountEndpoint={endpoint};AccountKey={accountKey};";
        Faults = faults;
    }

    public Uri Endpoint { get; }

    public string ConnectionString { get; }

    /// <summary>The fault plan in force (with its seed) and the record of injected faults; replaceable at run time.</summary>
    public FaultInjector Faults { get; }

    /// <summary>Starts the listener while the data directory replays (requests that arrive meanwhile wait for it,
    /// and for the fault plan installed after it); completes once both are done. A replay cannot be cancelled: a
    /// cancelled or failed start still waits for it before it closes the journal.</summary>
    public static async Task<CosmosEmulatorServer> StartAsync(CosmosEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var layout = PartitionLayout.From(options);
        var journal = options.Journal ?? (options.DataDirectory is null
            ? (IJournal)NullJournal.Instance
            : new FileJournal(options.DataDirectory, options.Durable, options.CompactAfterJournalBytes, options.CompactionStepDelay,
                loggerFactory.CreateLogger<FileJournal>()));
        var account = new Account(journal, options.Clock, layout, options.ReplicaLag);
        // The web host takes a core for about 0.2 s to start, while a large replay leaves one idle at times.
        var replay = Task.Factory.StartNew(() => journal.Replay(entry => account.Replay([entry])),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var faults = new FaultInjector(account, options.Clock, loggerFactory.CreateLogger(GatewayRequestHandler.RequestLogCategory));
        // A plan's time windows count from its installation: from when requests are served, not from before replay.
        var ready = ReadyAsync(replay, faults, options.Faults);
        WebApplication? application = null;
        try
        {
            var authorization = new GatewayAuthorization(options.AccountKey, options.Clock, options.EnforceDataPlaneRoles);
            var partitionControl = new PartitionControlEndpoint(account);
            var controls = new ControlEndpoints(options.AccountKey, faults, partitionControl);
            var handler = new GatewayRequestHandler(account, authorization, loggerFactory, faults, controls, options.ShortQueryPages);

            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.Services.AddSingleton<ILoggerFactory>(new HostLoggerFactory(loggerFactory));
            builder.Services.AddLogging();
            // The host that embeds the emulator owns the console; the emulator must not announce itself there.
            builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                // A query continuation comes back as a header and carries DISTINCT's values so far: allow more than 32 KB.
                kestrel.Limits.MaxRequestHeadersTotalSize = MaxRequestHeadersBytes;
                kestrel.Listen(IPAddress.Loopback, options.Port, listener =>
                {
                    if (options.UseHttps)
                        listener.UseHttps(SelfSignedCertificate.CreateForLoopback());
                });
            });
            application = builder.Build();
            application.Run(context => ready.IsCompletedSuccessfully ? handler.HandleAsync(context) : WhenReadyAsync(ready, handler, context));
            await application.StartAsync(cancellationToken);
            await ready.WaitAsync(cancellationToken);

            var address = application.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            var endpoint = new UriBuilder(address) { Host = IPAddress.Loopback.ToString() }.Uri;
            var purgeTimer = TimeProvider.System.CreateTimer(_ => account.PurgeExpired(), null, PurgeInterval, PurgeInterval);
            return new CosmosEmulatorServer(application, journal, purgeTimer, endpoint, options.AccountKey, partitionControl, faults);
        }
        catch (Exception failure)
        {
            // The journal must not close under a replay still running (ready completes after it).
            await Task.WhenAny(ready);
            _ = ready.Exception;
            try
            {
                if (application is not null)
                {
                    await application.StopAsync(CancellationToken.None);
                    await application.DisposeAsync();
                }
            }
            finally
            {
                journal.Dispose();
            }
            // A damaged data directory is reported first, as when the replay ran before the listener started.
            if (replay.Exception?.InnerException is { } replayFailure && !ReferenceEquals(replayFailure, failure))
                ExceptionDispatchInfo.Throw(replayFailure);
            throw;
        }
    }

    private static async Task ReadyAsync(Task replay, FaultInjector faults, FaultPlan? plan)
    {
        await replay;
        if (plan is not null)
            faults.Install(plan);
    }

    private static async Task WhenReadyAsync(Task ready, GatewayRequestHandler handler, HttpContext context)
    {
        try
        {
            await ready;
        }
        catch
        {
            // The data could not be replayed (or the fault plan installed): the start fails and the listener is stopping.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        await handler.HandleAsync(context);
    }

    /// <summary>With a data directory: folds everything journaled so far into a new checkpoint (after a compaction
    /// already running); completes when done. Compaction also runs by itself, see <see cref="CosmosEmulatorOptions.CompactAfterJournalBytes"/>.</summary>
    public Task CompactAsync() => journal.CompactAsync();

    public async ValueTask DisposeAsync()
    {
        await purgeTimer.DisposeAsync();
        await application.StopAsync();
        await application.DisposeAsync();
        journal.Dispose();
    }
}
