using System.Net;
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

    /// <summary>Starts the listener while the data directory replays (requests that arrive meanwhile wait for it);
    /// completes once both are done.</summary>
    public static async Task<CosmosEmulatorServer> StartAsync(CosmosEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var journal = options.Journal ?? (options.DataDirectory is null
            ? (IJournal)NullJournal.Instance
            : new FileJournal(options.DataDirectory, options.Durable, options.CompactAfterJournalBytes, options.CompactionStepDelay,
                loggerFactory.CreateLogger<FileJournal>()));
        var account = new Account(journal, options.Clock, PartitionLayout.From(options), options.ReplicaLag);
        // The web host takes a core for about 0.2 s to start, while a large replay leaves one idle at times.
        var replay = Task.Factory.StartNew(() => journal.Replay(entry => account.Replay([entry])),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        WebApplication? application = null;
        try
        {
            var authorization = new GatewayAuthorization(options.AccountKey, options.Clock, options.EnforceDataPlaneRoles);
            var faults = new FaultInjector(account, options.Clock, loggerFactory.CreateLogger(GatewayRequestHandler.RequestLogCategory));
            if (options.Faults is not null)
                faults.Install(options.Faults);
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
            application.Run(context => replay.IsCompletedSuccessfully ? handler.HandleAsync(context) : AfterReplayAsync(replay, handler, context));
            await application.StartAsync(cancellationToken);
            await replay;

            var address = application.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            var endpoint = new UriBuilder(address) { Host = IPAddress.Loopback.ToString() }.Uri;
            var purgeTimer = TimeProvider.System.CreateTimer(_ => account.PurgeExpired(), null, PurgeInterval, PurgeInterval);
            return new CosmosEmulatorServer(application, journal, purgeTimer, endpoint, options.AccountKey, partitionControl, faults);
        }
        catch
        {
            // The journal must not close under a replay still running; the first failure is the one reported.
            await Task.WhenAny(replay);
            if (application is not null)
            {
                await application.StopAsync(CancellationToken.None);
                await application.DisposeAsync();
            }
            journal.Dispose();
            throw;
        }
    }

    private static async Task AfterReplayAsync(Task replay, GatewayRequestHandler handler, HttpContext context)
    {
        try
        {
            await replay;
        }
        catch
        {
            // The data directory could not be replayed: the start fails and the listener is stopping.
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
