using System.Diagnostics.Metrics;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos.Health;

/// <summary>
/// Measures the projections' health every <see cref="ProjectionHealthOptions.RefreshInterval"/> on each instance and
/// keeps the last report, which health calls and the <c>TodoFunctions</c> meter's gauges read: neither adds a request.
/// A lease that turns stuck is logged once, with its id and owner, until it keeps up again.
/// </summary>
public sealed class ProjectionHealthMonitor : BackgroundService
{
    public const string MeterName = "TodoFunctions";

    private readonly IReadOnlyList<(string Projection, string ProcessorName)> projections;
    private readonly ChangeFeedLeaseProbe probe;
    private readonly ProjectionAdministration administration;
    private readonly IDeadLetterCount? deadLetters;
    private readonly ProjectionHealthOptions thresholds;
    private readonly TimeSpan rebuildStallTimeout;
    private readonly TimeProvider clock;
    private readonly ILogger<ProjectionHealthMonitor> logger;
    private readonly LeaseStallTracker stalls = new();
    private readonly HashSet<string> loggedStuck = [];
    private readonly SemaphoreSlim measuring = new(1, 1);
    private readonly Meter meter = new(MeterName);
    private readonly DateTimeOffset started;
    private readonly Cadence parkedCadence;
    private IReadOnlyList<ParkedTodo> parked = [];
    private volatile ProjectionHealthReport? latest;

    internal ProjectionHealthMonitor(
        CosmosClient client, IOptions<TodoStoreOptions> storeOptions, IOptions<ProjectionHealthOptions> healthOptions, ProjectionAdministration administration,
        IDeadLetterCount? deadLetters, TimeProvider clock, ILogger<ProjectionHealthMonitor> logger)
    {
        var store = storeOptions.Value;
        projections = [(ProjectionNames.Todos, store.ProcessorName), (ProjectionNames.Statistics, store.StatisticsProcessorName)];
        probe = new ChangeFeedLeaseProbe(client.GetContainer(store.DatabaseName, store.EventsContainer), client.GetContainer(store.DatabaseName, store.LeasesContainer), healthOptions.Value.ProbeTimeout);
        this.administration = administration;
        this.deadLetters = deadLetters;
        thresholds = healthOptions.Value;
        rebuildStallTimeout = store.RebuildStallTimeout;
        this.clock = clock;
        this.logger = logger;
        started = clock.GetUtcNow();
        parkedCadence = new Cadence(thresholds.ParkedRefreshInterval);
        HealthGauges.Publish(meter, () => latest);
    }

    public TimeSpan RefreshInterval => thresholds.RefreshInterval;

    private IReadOnlyList<string> Configured => [.. projections.Select(projection => projection.Projection)];

    /// <summary>
    /// The last report, never waiting for a measurement under way (measured now only when there is none yet); a report
    /// older than a measurement can take fails the <c>measurement</c> check: the monitor itself has stalled.
    /// </summary>
    public async Task<ProjectionHealthReport> CurrentAsync(CancellationToken cancellationToken)
    {
        var report = latest ?? await FirstMeasurementAsync(cancellationToken);
        var age = clock.GetUtcNow() - report.Observation.ObservedAt;
        var limit = thresholds.RefreshInterval + 4 * thresholds.ProbeTimeout;
        return age <= limit
            ? report
            : report with { Checks = [.. report.Checks, new HealthCheck("measurement", false, $"The last measurement is {age.TotalSeconds:0.0} s old.", $"{ProjectionHealthOptions.SectionName}:RefreshInterval + 4 x ProbeTimeout = {limit}")] };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(thresholds.RefreshInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await MeasureAsync(reuseLatest: false, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Measuring the projections' health failed; the next measurement is in {Interval}.", thresholds.RefreshInterval);
            }
        }
    }

    public override void Dispose()
    {
        meter.Dispose();
        measuring.Dispose();
        base.Dispose();
    }

    /// <summary>A measurement that fails as a whole is a report with a failed <c>measurement</c> check (503), never an error (500).</summary>
    private async Task<ProjectionHealthReport> FirstMeasurementAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await MeasureAsync(reuseLatest: true, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Measuring the projections' health failed.");
            var nothingObserved = new HealthObservation(clock.GetUtcNow(), null, null, new Dictionary<string, string>(), [], [], null, null, 0,
                Configured, started);
            return ProjectionHealthEvaluation.MeasurementFailed(nothingObserved, exception.GetType().Name);
        }
    }

    /// <summary>One measurement at a time; concurrent first health calls share the one that the first of them made.</summary>
    private async Task<ProjectionHealthReport> MeasureAsync(bool reuseLatest, CancellationToken cancellationToken)
    {
        await measuring.WaitAsync(cancellationToken);
        try
        {
            if (reuseLatest && latest is { } measured) return measured;
            var report = ProjectionHealthEvaluation.Evaluate(await ObserveAsync(cancellationToken), thresholds, rebuildStallTimeout);
            LogStuckOnce(report);
            latest = report;
            return report;
        }
        finally
        {
            measuring.Release();
        }
    }

    private async Task<HealthObservation> ObserveAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(thresholds.ProbeTimeout * (projections.Count + 1));
        var storage = CountDeadLettersAsync(bounded.Token, cancellationToken);
        var leases = new List<LeaseObservation>();
        var changeFeedFailures = new Dictionary<string, string>();
        ProjectionStatus? status = null;
        string? cosmosFailure = null;
        double charge = 0;
        try
        {
            foreach (var (projection, processorName) in projections)
            {
                var reading = await probe.ReadAsync(processorName, bounded.Token);
                charge += reading.RequestCharge;
                if (reading.ChangeFeedFailure is { } failure) changeFeedFailures[projection] = failure;
                var now = clock.GetUtcNow();
                leases.AddRange(reading.Leases.Select(lease => new LeaseObservation(
                    projection, lease.LeaseToken, lease.Owner, lease.Backlog,
                    stalls.Observe(projection, lease.LeaseToken, lease.Checkpoint, lease.Backlog, now), lease.OldestUnprojectedAt)));
            }
            status = await administration.GetStatusAsync(bounded.Token);
            if (parkedCadence.Due(clock.GetUtcNow())) parked = await administration.ListParkedAsync(bounded.Token);
        }
        catch (Exception exception) when (exception is CosmosException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            cosmosFailure = exception is CosmosException cosmos
                ? $"Cosmos DB answered {(int)cosmos.StatusCode} {cosmos.StatusCode}."
                : $"Cosmos DB did not answer ({exception.GetType().Name}).";
        }
        var (deadLetterCount, storageFailure) = await storage;
        return new HealthObservation(clock.GetUtcNow(), cosmosFailure, storageFailure, changeFeedFailures, leases, parked, deadLetterCount, status, charge,
            Configured, started);
    }

    private async Task<(long? Count, string? Failure)> CountDeadLettersAsync(CancellationToken bounded, CancellationToken cancellationToken)
    {
        if (deadLetters is null) return (null, null);
        try
        {
            return (await deadLetters.CountAsync(bounded), null);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"The storage queues did not answer: {exception.GetType().Name}.");
        }
    }

    private void LogStuckOnce(ProjectionHealthReport report)
    {
        foreach (var check in report.Checks.Where(check => check.Name.StartsWith("stuck:", StringComparison.Ordinal)))
        {
            if (check.Healthy)
                loggedStuck.Remove(check.Name);
            else if (loggedStuck.Add(check.Name))
                logger.LogError("Projection lease stuck: {Lease}. {Detail} ({Threshold})", check.Name["stuck:".Length..], check.Detail, check.Threshold);
        }
    }
}
