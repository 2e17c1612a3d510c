using System.Globalization;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// What a walk that listed one todo more than once saw and what the todo went through around it, so a report tells
/// a real duplicate (the same list position twice: a keyset page can never return it again) from a todo that moved.
/// </summary>
internal sealed record RepeatedSighting(ListWalk Walk, Guid Todo, IReadOnlyList<Sighting> Sightings)
{
    // Events and writes this long before a walk are shown with it: a write answered then may still be projected during it.
    private static readonly TimeSpan Context = TimeSpan.FromSeconds(60);

    /// <summary>Each sighting's list position, from its order and the creation time the log holds; null for a todo missing from the log.</summary>
    public IReadOnlyList<string?> Positions(StoredLog log) =>
        [.. Sightings.Select(sighting => log.Streams.ContainsKey(Todo) ? ListPosition.For(Todo, sighting.Order, log.StreamOf(Todo).CreatedAt) : null)];

    /// <summary>Whether two sightings stood at the same list position, which strictly-after paging can only return once.</summary>
    public bool SamePositionTwice(StoredLog log) => Positions(log) is var positions && positions.Count(p => p is not null) > positions.Where(p => p is not null).Distinct().Count();

    public string Describe(StoredLog log, IReadOnlyCollection<Exchange> exchanges)
    {
        var positions = Positions(log);
        var sightings = Sightings.Select((sighting, i) => $"{sighting} at {positions[i] ?? "?"} (versions showing it: {Joined(VersionsShowing(sighting, log).Select(v => $"v{v}"))})");
        var pageEnds = Sightings.SelectMany(sighting => new[] { sighting.Page - 1, sighting.Page }).Where(page => page >= 1).Distinct().Order()
            .Select(page => $"page {page} ends after {Walk.PageEnds[page - 1] ?? "(last)"}");
        var events = log.Streams.GetValueOrDefault(Todo, [])
            .Where(e => e.Timestamp >= Walk.StartedAtUtc - Context)
            .Select(e => $"v{e.Version} {e.Type} by {e.CorrelationId} at {Seconds(e.Timestamp - Walk.StartedAtUtc)}");
        var writes = exchanges
            .Where(e => e.IsWrite && e.TodoId == Todo && e.SentAt <= Walk.EndedAt && e.EndedAt >= Walk.StartedAt - Context)
            .Select(e => $"{e} sent {Seconds(e.SentAt - Walk.StartedAt)} ended {Seconds(e.EndedAt - Walk.StartedAt)}{(e.ReadModelCaughtUp is { } caughtUp ? $" caught up {caughtUp}" : "")}");
        return $"walk {Walk.CorrelationId} (limit {Walk.Limit}, {Walk.Pages.Count} pages, {Seconds(Walk.EndedAt - Walk.StartedAt)} long) listed {Todo} {Sightings.Count} times, " +
            (SamePositionTwice(log) ? "twice at the same list position" : "at different list positions") +
            $"; sightings: {string.Join("; ", sightings)}; {string.Join("; ", pageEnds)}" +
            $"; its events from {Context.TotalSeconds:0} s before the walk (times from its start): {Joined(events)}" +
            $"; its writes then: {Joined(writes)}";
    }

    /// <summary>
    /// Whether each sighting shows a later version of the todo than the one before it, appended before the walk
    /// ended: then the read model moved it while the walk ran, whenever its write was answered. A time window around
    /// the walk cannot tell this: a write answered without waiting (or not caught up) reaches the list only when the
    /// projector applies it, which the fault plan and a killed host hold back by tens of seconds (seed 366651926 at
    /// 200 s: 20 s to converge after the faults stopped), so the old 10 s window flagged such moves as duplicates.
    /// </summary>
    public bool MovedForward(StoredLog log)
    {
        var walkEnded = Walk.StartedAtUtc + (Walk.EndedAt - Walk.StartedAt);
        var appended = log.Streams.GetValueOrDefault(Todo, []).Where(e => e.Timestamp <= walkEnded).Select(e => e.Version).ToHashSet();
        return Sightings.Zip(Sightings.Skip(1)).All(pair =>
            VersionsShowing(pair.Second, log).Where(appended.Contains).DefaultIfEmpty(0).Max() > VersionsShowing(pair.First, log).DefaultIfEmpty(long.MaxValue).Min());
    }

    /// <summary>How long before the walk began the earliest event showing its last sighting was appended; null when none shows it.</summary>
    public TimeSpan? MovingEventAge(StoredLog log) =>
        VersionsShowing(Sightings[^1], log).Select(version => (TimeSpan?)(Walk.StartedAtUtc - log.Streams[Todo].First(e => e.Version == version).Timestamp)).FirstOrDefault();

    /// <summary>The versions of the todo's log whose state is what <paramref name="sighting"/> showed.</summary>
    public IEnumerable<long> VersionsShowing(Sighting sighting, StoredLog log)
    {
        var stream = log.Streams.GetValueOrDefault(Todo, []);
        var purged = log.IsPurged(Todo);
        return stream
            .Where(e => log.StateAt(Todo, e.Version) is { IsDeleted: false } state
                && (purged ? TitleSetBy(stream, e.Version) : state.Title) == sighting.Title
                && (state.Completed, state.Order, state.DueDate) == (sighting.Completed, sighting.Order, sighting.DueDate))
            .Select(e => e.Version);
    }

    /// <summary>
    /// A purge masks the titles in its todo's events, but each title the workload sends names the request that sent it
    /// (a keyed twin sent again keeps its first's body): the title at a version is the one its last titling event's request sent.
    /// </summary>
    private static string? TitleSetBy(IReadOnlyList<EventDocument> stream, long version) =>
        stream.LastOrDefault(e => e.Version <= version && e.Type is nameof(TodoCreated) or nameof(TodoTitleUpdated)) is { } titled
            ? $"todo {titled.CorrelationId.Replace("-again", "", StringComparison.Ordinal)}"
            : null;

    public static IEnumerable<RepeatedSighting> In(ListWalk walk) =>
        walk.Seen.GroupBy(sighting => sighting.Id).Where(todo => todo.Count() > 1).Select(todo => new RepeatedSighting(walk, todo.Key, [.. todo]));

    private static string Joined(IEnumerable<string> items) => items.Any() ? string.Join(", ", items) : "none";

    private static string Seconds(TimeSpan offset) => offset.TotalSeconds.ToString("+0.000 s;-0.000 s", CultureInfo.InvariantCulture);
}
