using System.Diagnostics.Metrics;

namespace TodoFunctions.Cosmos.Health;

/// <summary>
/// The projection-health gauges of the <c>TodoFunctions</c> meter (the metrics contract's names), read from the last
/// report: a gauge never measures by itself. Nothing is reported before the first measurement, nor for a value the
/// last one could not tell (a backlog or age while the change feed cannot be read): an unknown is not a zero.
/// </summary>
public static class HealthGauges
{
    // Public for the alert rules' tests (infra/core/monitor/alerts.bicep reads these names).
    public const string Parked = "todo.projection.parked";
    public const string DeadLetters = "todo.dead_letters";
    public const string StuckLeases = "todo.projection.stuck_leases";

    internal static void Publish(Meter meter, Func<ProjectionHealthReport?> latest)
    {
        meter.CreateObservableGauge(Parked, () => Of<long>(latest(), report => [new(report.Observation.Parked.Count)]),
            unit: "{todo}", description: "Todos parked on an event their projection could not apply.");
        meter.CreateObservableGauge(DeadLetters, () => Of<long>(latest(), report =>
                report.Observation.DeadLetters is { } count ? [new(count)] : []),
            unit: "{message}", description: "Dead-letter messages waiting for an operator.");
        meter.CreateObservableGauge("todo.projection.backlog", () => PerProjection(latest(), (report, projection) => report.Backlog(projection)),
            unit: "{event}", description: "Events not yet projected, as the change feed estimator reckons them.");
        meter.CreateObservableGauge("todo.projection.oldest_unprojected_age", () => PerProjection(latest(), (report, projection) =>
                report.OldestUnprojectedAge(projection)?.TotalSeconds),
            unit: "s", description: "Age of the oldest event a projection has not applied.");
        meter.CreateObservableGauge(StuckLeases, () => PerProjection(latest(), (report, projection) =>
                (int?)report.Checks.Count(check => !check.Healthy && check.Name.StartsWith($"stuck:{projection}/", StringComparison.Ordinal))),
            unit: "{lease}", description: "Leases with pending work whose checkpoint has not moved for ProjectionHealth:StuckAfter.");
        meter.CreateObservableGauge("todo.projection.rebuild.progress", () => Of<double>(latest(), report =>
                report.Observation.Status?.Rebuild is { } rebuild ? [new(RebuildProgressFraction(rebuild))] : []),
            description: "The running rebuild's stage (it knows no total): 0 requested, 1/3 replaying, 2/3 catching up.");
    }

    private static double RebuildProgressFraction(RebuildProgress rebuild) => rebuild.State switch
    {
        RebuildProgress.Replaying => 1.0 / 3,
        RebuildProgress.CatchingUp => 2.0 / 3,
        _ => 0,
    };

    private static IEnumerable<Measurement<T>> Of<T>(ProjectionHealthReport? report, Func<ProjectionHealthReport, IEnumerable<Measurement<T>>> measure)
        where T : struct => report is null ? [] : measure(report);

    private static IEnumerable<Measurement<T>> PerProjection<T>(ProjectionHealthReport? report, Func<ProjectionHealthReport, string, T?> measure)
        where T : struct =>
        report is null
            ? []
            : report.Observation.Projections
                .Select(projection => (Projection: projection, Value: measure(report, projection)))
                .Where(measured => measured.Value is not null)
                .Select(measured => new Measurement<T>(measured.Value!.Value, new KeyValuePair<string, object?>("projection", measured.Projection)));
}
