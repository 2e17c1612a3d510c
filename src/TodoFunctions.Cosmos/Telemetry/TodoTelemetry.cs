using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TodoFunctions.Cosmos.Telemetry;

/// <summary>
/// The app's own spans and instruments, under one name (<see cref="Name"/>) for the activity source and the meter.
/// They cost nothing until a listener (the OpenTelemetry SDK, configured by the host) subscribes to that name.
/// </summary>
public static class TodoTelemetry
{
    /// <summary>The name of the activity source and of the meter; the alert rules and dashboards read the instrument names below.</summary>
    public const string Name = "TodoFunctions";

    /// <summary>The projection lag histogram's name, which the lag alert rule reads.</summary>
    public const string ProjectionLagName = "todo.projection.lag";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Commands = Meter.CreateCounter<long>("todo.commands", description: "Commands decided, by command and outcome.");
    private static readonly Counter<long> AppendConflicts = Meter.CreateCounter<long>("todo.append.conflicts", description: "Appends that lost the race for their stream.");
    private static readonly Counter<long> AppendRetries = Meter.CreateCounter<long>("todo.append.retries", description: "Commands re-read and re-decided after a lost race.");
    private static readonly Histogram<double> ReadYourWritesWait = Meter.CreateHistogram<double>(
        "todo.read_your_writes.wait", unit: "ms", description: "How long a write waited for the read model to show it, by outcome.");
    private static readonly Histogram<double> ProjectionLag = Meter.CreateHistogram<double>(
        ProjectionLagName, unit: "ms", description: "From an event's append to its projection's write, by projection.");
    private static readonly Counter<long> ProjectedEvents = Meter.CreateCounter<long>("todo.projection.events", description: "Events applied, by projection (replays included).");

    /// <summary>Outcomes of <c>todo.read_your_writes.wait</c>.</summary>
    public static class WaitOutcomes
    {
        public const string CaughtUp = "caught_up";
        public const string TimedOut = "timed_out";
        public const string Skipped = "skipped";
    }

    internal static void CommandDecided(string command, string outcome) =>
        Commands.Add(1, new("command", command), new("outcome", outcome));

    internal static void AppendConflicted() => AppendConflicts.Add(1);

    internal static void AppendRetried() => AppendRetries.Add(1);

    internal static void ReadYourWritesWaited(TimeSpan waited, string outcome) =>
        ReadYourWritesWait.Record(waited.TotalMilliseconds, new KeyValuePair<string, object?>("outcome", outcome));

    internal static void EventsProjected(string projection, IEnumerable<DateTimeOffset> appendedAt, DateTimeOffset appliedAt)
    {
        var tag = new KeyValuePair<string, object?>("projection", projection);
        foreach (var appended in appendedAt)
        {
            ProjectionLag.Record(Math.Max(0, (appliedAt - appended).TotalMilliseconds), tag);
            ProjectedEvents.Add(1, tag);
        }
    }
}
