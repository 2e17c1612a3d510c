using TodoFunctions.Cosmos;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// The walks of the paged list: a walk's todos come in strictly increasing list position, it lists a todo again only
/// where the read model moved it forward in its history while the walk ran, and a page answers 200 or 503 with
/// Retry-After.
/// </summary>
internal static class PagingChecks
{
    public const string PositionsIncrease = "a list walk lists todos in strictly increasing list position (a keyset page never goes back)";
    public const string RepeatsMovedForward = "a list walk lists a todo again only at a later version of it: one the read model moved during the walk";
    public const string PageAnswers = "every page of a list walk answers 200, or 503 with Retry-After";

    public static void Check(IEnumerable<ListWalk> walks, IReadOnlyCollection<Exchange> exchanges, StoredLog log, Violations violations)
    {
        var createdAt = log.Streams.Keys.ToDictionary(id => id, id => log.StreamOf(id).CreatedAt);
        foreach (var walk in walks)
        {
            foreach (var page in walk.Pages.Where(p => p.Status is not null && p.Status != 200 && !(p.Status == 503 && p.HasRetryAfter)))
                violations.Add(PageAnswers, page.ToString());
            CheckPositionsIncrease(walk, createdAt, violations);
            foreach (var repeated in RepeatedSighting.In(walk).Where(repeated => !repeated.MovedForward(log)))
                violations.Add(RepeatsMovedForward, repeated.Describe(log, exchanges));
        }
    }

    /// <summary>
    /// Each page continues strictly after the position the previous one ended at, and a page is in position order, so
    /// whatever the writes, a walk's positions only go up. A todo the log does not hold (none should be) is left out.
    /// </summary>
    private static void CheckPositionsIncrease(ListWalk walk, IReadOnlyDictionary<Guid, DateTimeOffset> createdAt, Violations violations)
    {
        (Sighting Sighting, string Position)? previous = null;
        foreach (var sighting in walk.Seen)
        {
            if (!createdAt.TryGetValue(sighting.Id, out var created)) continue;
            var position = ListPosition.For(sighting.Id, sighting.Order, created);
            if (previous is { } last && string.CompareOrdinal(position, last.Position) <= 0)
                violations.Add(PositionsIncrease, $"walk {walk.CorrelationId} (limit {walk.Limit}) listed {sighting.Id} ({sighting}) at {position} after {last.Sighting.Id} ({last.Sighting}) at {last.Position}");
            previous = (sighting, position);
        }
    }

    /// <summary>How long before their walks began the events that moved the repeated todos were appended: the lag a time window would have had to allow.</summary>
    public static string RepeatFigures(IEnumerable<ListWalk> walks, StoredLog log)
    {
        var ages = walks.SelectMany(RepeatedSighting.In).Select(repeated => repeated.MovingEventAge(log)).OfType<TimeSpan>().Select(age => age.TotalSeconds).Order().ToList();
        return ages.Count == 0
            ? "Repeats within a walk: none"
            : $"Repeats within a walk: {ages.Count}; the event each later sighting shows was appended from {ages[0]:0.0} s to {ages[^1]:0.0} s before its walk began " +
              $"(median {ages[ages.Count / 2]:0.0} s; more than 10 s before: {ages.Count(age => age > 10)})";
    }

    public static int DuplicatesOf(ListWalk walk) => walk.Seen.Count - walk.Seen.DistinctBy(sighting => sighting.Id).Count();
}
