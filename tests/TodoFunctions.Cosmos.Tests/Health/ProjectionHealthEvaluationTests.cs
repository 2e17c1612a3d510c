using System.Diagnostics.Metrics;
using TodoFunctions.Cosmos.Health;

namespace TodoFunctions.Cosmos.Tests.Health;

/// <summary>Thresholds turn a measurement into verdicts; each failed check names the threshold it exceeded.</summary>
public sealed class ProjectionHealthEvaluationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly ProjectionHealthOptions Thresholds = new();

    [Fact]
    public void A_measurement_with_nothing_pending_nothing_parked_and_both_dependencies_answering_is_healthy_and_ready()
    {
        var report = Evaluate(Observation());

        Assert.True(report.Healthy);
        Assert.True(report.Ready);
        Assert.Contains(report.Checks, check => check.Name == "stuck:todos/0");
        Assert.Contains(report.Checks, check => check.Name == "lag:statistics");
    }

    [Fact]
    public void An_oldest_unprojected_event_older_than_MaxLag_fails_the_lag_check_of_its_projection_only()
    {
        var report = Evaluate(Observation(Lease("todos", backlog: 40, oldestUnprojectedAt: Now - TimeSpan.FromSeconds(61)), Lease("statistics")));

        var failed = Assert.Single(report.Checks, check => !check.Healthy);
        Assert.Equal("lag:todos", failed.Name);
        Assert.Equal("ProjectionHealth:MaxLag = 00:01:00", failed.Threshold);
        Assert.Contains("61.0 s", failed.Detail);
        Assert.Equal(TimeSpan.FromSeconds(61), report.OldestUnprojectedAge("todos"));
        Assert.True(report.Ready);
    }

    [Fact]
    public void A_lease_stalled_for_StuckAfter_is_stuck_with_its_owner_and_backlog_named_one_stalled_for_less_is_not()
    {
        var stuck = Evaluate(Observation(Lease("todos", backlog: 5, stalledSince: Now - Thresholds.StuckAfter, owner: "host-a"), Lease("statistics")));
        var waiting = Evaluate(Observation(Lease("todos", backlog: 5, stalledSince: Now - Thresholds.StuckAfter + TimeSpan.FromSeconds(1)), Lease("statistics")));

        var failed = Assert.Single(stuck.Checks, check => !check.Healthy);
        Assert.Equal("stuck:todos/0", failed.Name);
        Assert.Equal("ProjectionHealth:StuckAfter = 00:02:00", failed.Threshold);
        Assert.Contains("owner host-a", failed.Detail);
        Assert.Contains("5 events wait", failed.Detail);
        Assert.True(waiting.Healthy);
    }

    [Fact]
    public void A_stalled_lease_whose_change_feed_cannot_be_read_is_stuck_for_that_reason()
    {
        var observation = Observation(Lease("todos", backlog: null, stalledSince: Now - TimeSpan.FromMinutes(3))) with
        {
            ChangeFeedFailures = new Dictionary<string, string> { ["todos"] = "503 ServiceUnavailable" },
        };

        var failed = Assert.Single(Evaluate(observation).Checks, check => !check.Healthy && check.Name.StartsWith("stuck:"));
        Assert.Equal("stuck:todos/0", failed.Name);
        Assert.Contains("change feed cannot be read (503 ServiceUnavailable)", failed.Detail);
    }

    [Fact]
    public void While_a_change_feed_cannot_be_read_its_lag_is_unknown_and_fails_not_zero()
    {
        var observation = Observation(Lease("todos", backlog: null), Lease("statistics")) with
        {
            ChangeFeedFailures = new Dictionary<string, string> { ["todos"] = "503 ServiceUnavailable" },
        };

        var report = Evaluate(observation);

        var failed = Assert.Single(report.Checks, check => !check.Healthy);
        Assert.Equal("lag:todos", failed.Name);
        Assert.Contains("unknown", failed.Detail);
        Assert.Contains("503 ServiceUnavailable", failed.Detail);
        Assert.Null(report.OldestUnprojectedAge("todos"));
        Assert.Null(report.Backlog("todos"));
        Assert.Equal(TimeSpan.Zero, report.OldestUnprojectedAge("statistics"));
    }

    [Fact]
    public void The_backlog_and_age_gauges_publish_nothing_for_a_projection_whose_change_feed_cannot_be_read()
    {
        var report = Evaluate(Observation(Lease("todos", backlog: null), Lease("statistics", backlog: 4, oldestUnprojectedAt: Now.AddSeconds(-2))) with
        {
            ChangeFeedFailures = new Dictionary<string, string> { ["todos"] = "503 ServiceUnavailable" },
        });
        using var meter = new Meter($"health-gauges-{Guid.NewGuid()}");
        HealthGauges.Publish(meter, () => report);
        var published = new List<(string Instrument, double Value, object? Projection)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listening) => { if (instrument.Meter == meter) listening.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => published.Add((instrument.Name, value, Projection(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => published.Add((instrument.Name, value, Projection(tags))));
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal([("todo.projection.backlog", 4d, "statistics")], published.Where(measurement => measurement.Instrument == "todo.projection.backlog"));
        Assert.Equal([("todo.projection.oldest_unprojected_age", 2d, "statistics")], published.Where(measurement => measurement.Instrument == "todo.projection.oldest_unprojected_age"));
    }

    [Fact]
    public void A_configured_projection_without_a_lease_fails_its_leases_check_once_the_monitor_has_run_for_StuckAfter()
    {
        var justStarted = Evaluate(Observation(Lease("todos")) with { MonitoredSince = Now - Thresholds.StuckAfter + TimeSpan.FromSeconds(1) });
        var failed = Assert.Single(Evaluate(Observation(Lease("todos")) with { MonitoredSince = Now - Thresholds.StuckAfter }).Checks, check => !check.Healthy);

        Assert.True(justStarted.Healthy);
        Assert.Equal("leases:statistics", failed.Name);
        Assert.Equal("ProjectionHealth:StuckAfter = 00:02:00", failed.Threshold);
        Assert.Contains("has not started", failed.Detail);
    }

    [Fact]
    public void A_measurement_that_failed_as_a_whole_is_unhealthy_naming_why()
    {
        var report = ProjectionHealthEvaluation.MeasurementFailed(Observation(), "InvalidDataException");

        var failed = Assert.Single(report.Checks);
        Assert.False(report.Healthy);
        Assert.Equal("measurement", failed.Name);
        Assert.Contains("InvalidDataException", failed.Detail);
    }

    [Fact]
    public void The_parked_list_is_read_at_the_first_measurement_then_only_once_its_interval_has_passed()
    {
        var cadence = new Cadence(TimeSpan.FromMinutes(1));

        Assert.True(cadence.Due(Now));
        Assert.False(cadence.Due(Now.AddSeconds(5)));
        Assert.False(cadence.Due(Now.AddSeconds(59)));
        Assert.True(cadence.Due(Now.AddMinutes(1)));
        Assert.False(cadence.Due(Now.AddMinutes(1).AddSeconds(5)));
    }

    [Fact]
    public void A_todo_parked_longer_than_MaxParkedAge_fails_the_parked_check_naming_it_a_younger_one_does_not()
    {
        var old = new ParkedTodo(Guid.NewGuid(), 3, "todo_archived", "unknown type", 3, Now - TimeSpan.FromMinutes(61));
        var young = old with { TodoId = Guid.NewGuid(), ParkedAt = Now - TimeSpan.FromMinutes(59) };

        var failed = Assert.Single(Evaluate(Observation() with { Parked = [young, old] }).Checks, check => !check.Healthy);
        Assert.Equal("parked", failed.Name);
        Assert.Equal("ProjectionHealth:MaxParkedAge = 01:00:00", failed.Threshold);
        Assert.Contains(old.TodoId.ToString(), failed.Detail);
        Assert.True(Evaluate(Observation() with { Parked = [young] }).Healthy);
    }

    [Fact]
    public void A_stalled_rebuild_fails_the_rebuild_check()
    {
        var rebuild = new RebuildProgress("r1", 2, "todo-view-b", RebuildProgress.Replaying, 10, null, Now.AddMinutes(-5), Now.AddMinutes(-3));
        var status = new ProjectionStatus(1, "todo-view", null, rebuild, RebuildStalled: true);

        var failed = Assert.Single(Evaluate(Observation() with { Status = status }).Checks, check => !check.Healthy);
        Assert.Equal("rebuild", failed.Name);
        Assert.Equal("TodoStore:RebuildStallTimeout = 00:02:00", failed.Threshold);
    }

    [Fact]
    public void A_dependency_that_does_not_answer_makes_it_unready_and_names_why()
    {
        var noCosmos = Evaluate(Observation() with { CosmosFailure = "Cosmos DB answered 503 ServiceUnavailable." });
        var noStorage = Evaluate(Observation() with { StorageFailure = "The storage queues did not answer: RequestFailedException." });

        Assert.False(noCosmos.Ready);
        Assert.Equal("cosmos", Assert.Single(noCosmos.Checks, check => !check.Healthy).Name);
        Assert.False(noStorage.Ready);
        Assert.Equal("storage", Assert.Single(noStorage.Checks, check => !check.Healthy).Name);
    }

    [Fact]
    public void The_stall_clock_starts_when_work_waits_not_when_the_checkpoint_last_moved_and_restarts_when_it_moves()
    {
        var tracker = new LeaseStallTracker();
        Assert.Null(tracker.Observe("todos", "0", "\"5\"", backlog: 0, Now));
        // An hour of rest: the checkpoint has not moved, yet nothing waited.
        Assert.Equal(Now.AddHours(1), tracker.Observe("todos", "0", "\"5\"", backlog: 3, Now.AddHours(1)));
        Assert.Equal(Now.AddHours(1), tracker.Observe("todos", "0", "\"5\"", backlog: 7, Now.AddHours(1).AddMinutes(1)));
        Assert.Equal(Now.AddHours(1).AddMinutes(2), tracker.Observe("todos", "0", "\"9\"", backlog: 2, Now.AddHours(1).AddMinutes(2)));
        // An unknown backlog (the change feed cannot be read) keeps the clock running.
        Assert.Equal(Now.AddHours(1).AddMinutes(2), tracker.Observe("todos", "0", "\"9\"", backlog: null, Now.AddHours(1).AddMinutes(3)));
        Assert.Null(tracker.Observe("todos", "0", "\"9\"", backlog: 0, Now.AddHours(1).AddMinutes(4)));
    }

    private static ProjectionHealthReport Evaluate(HealthObservation observation) =>
        ProjectionHealthEvaluation.Evaluate(observation, Thresholds, TimeSpan.FromMinutes(2));

    private static HealthObservation Observation(params LeaseObservation[] leases) => new(
        Now, CosmosFailure: null, StorageFailure: null, new Dictionary<string, string>(),
        leases.Length > 0 ? leases : [Lease("todos"), Lease("statistics")], Parked: [], DeadLetters: 0, Status: null, RequestCharge: 0,
        Projections: ["todos", "statistics"], MonitoredSince: Now.AddHours(-1));

    private static object? Projection(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
            if (tag.Key == "projection") return tag.Value;
        return null;
    }

    private static LeaseObservation Lease(string projection, long? backlog = 0, DateTimeOffset? stalledSince = null, DateTimeOffset? oldestUnprojectedAt = null, string owner = "host") =>
        new(projection, "0", owner, backlog, stalledSince, oldestUnprojectedAt);
}
