using System.Globalization;
using System.Text.Json;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>
/// The counts over the whole list. <see cref="Total"/> counts live todos (<see cref="Active"/> + <see cref="Completed"/>);
/// <see cref="Deleted"/> counts the trash (purged todos are gone for good and counted nowhere). <see cref="CreatedToday"/>
/// and <see cref="CompletedToday"/> count live todos created, or last completed, since midnight UTC.
/// <see cref="AverageTimeToCompleteSeconds"/> runs from creation to the last completion, over live completed todos
/// completed in the last 30 UTC days (today and the 29 before); <c>null</c> when there are none.
/// </summary>
public sealed record TodoStatisticsView(
    long Total, long Active, long Completed, long Deleted, long CreatedToday, long CompletedToday, double CompletionRate,
    double? AverageTimeToCompleteSeconds);

/// <summary>
/// The query side of the statistics: one cross-partition aggregate query over the statistics documents of the live
/// read container, with "today" and the 30-day window as parameters, so the answer is exact at the time it is asked.
/// The last answer is kept in process under its validator: a poll whose validator has not moved since costs only the
/// validator's reads, whoever asks, with or without <c>If-None-Match</c>.
/// </summary>
public sealed class TodoStatistics
{
    /// <summary>How many UTC days, today included, the average time to complete looks back.</summary>
    public const int CompletionWindowDays = 30;

    // Several aggregates in one SELECT, each over one scalar argument: what the SDK's cross-partition pipeline
    // supports (composite aggregates such as SUM(a) / COUNT(1) are not), so the ratios are taken here.
    private const string Query = """
        SELECT
            SUM(c.state = @active ? 1 : 0) AS active,
            SUM(c.state = @completed ? 1 : 0) AS completed,
            SUM(c.state = @trashed ? 1 : 0) AS deleted,
            SUM((c.state = @active OR c.state = @completed) AND c.createdAt >= @today ? 1 : 0) AS createdToday,
            SUM(c.state = @completed AND c.completedAt >= @today ? 1 : 0) AS completedToday,
            SUM(c.state = @completed AND c.completedAt >= @windowStart ? 1 : 0) AS completedInWindow,
            SUM(c.state = @completed AND c.completedAt >= @windowStart ? c.secondsToComplete : 0) AS secondsToCompleteInWindow
        FROM c WHERE c.kind = @kind
        """;

    private readonly ReadModelPointers pointers;
    private readonly TimeProvider clock;
    private StatisticsUnder? lastAnswer;

    internal TodoStatistics(ReadModelPointers pointers, TimeProvider clock) => (this.pointers, this.clock) = (pointers, clock);

    /// <summary>The statistics as the read-model pointer names them now, on the UTC day it is now.</summary>
    public async Task<LiveStatistics> LiveAsync(CancellationToken cancellationToken)
    {
        var pointer = await pointers.CurrentAsync(cancellationToken);
        return new LiveStatistics(this, pointers.Container(pointer.LiveContainer), pointer, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>
    /// The last answer when it was computed under <paramref name="validator"/>, else a new one, kept under it. The
    /// counts are read after the validator, so a kept answer is never older than the validator it is kept under.
    /// </summary>
    internal async Task<TodoStatisticsView> UnderAsync(string validator, Func<Task<TodoStatisticsView>> compute)
    {
        if (Volatile.Read(ref lastAnswer) is { } kept && kept.Validator == validator) return kept.Counts;
        var counts = await compute();
        Volatile.Write(ref lastAnswer, new StatisticsUnder(validator, counts));
        return counts;
    }

    internal static async Task<TodoStatisticsView> ComputeAsync(Container live, DateOnly today, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(Query)
            .WithParameter("@kind", TodoStatisticsDocument.DocumentKind)
            .WithParameter("@active", TodoStatisticsDocument.Active)
            .WithParameter("@completed", TodoStatisticsDocument.CompletedState)
            .WithParameter("@trashed", TodoStatisticsDocument.Trashed)
            .WithParameter("@today", StoredForm(today))
            .WithParameter("@windowStart", StoredForm(today.AddDays(1 - CompletionWindowDays)));
        var rows = await live.QueryAllAsync<Sums>(query, null, cancellationToken);
        // Over no documents the service leaves a SUM undefined (the property is missing): that is zero here.
        var sums = rows.SingleOrDefault() ?? new Sums();
        var (active, completed) = (sums.Active ?? 0, sums.Completed ?? 0);
        var total = active + completed;
        var inWindow = sums.CompletedInWindow ?? 0;
        return new TodoStatisticsView(
            total, active, completed, sums.Deleted ?? 0, sums.CreatedToday ?? 0, sums.CompletedToday ?? 0,
            total == 0 ? 0 : (double)completed / total,
            inWindow == 0 ? null : (sums.SecondsToCompleteInWindow ?? 0) / inWindow);
    }

    /// <summary>
    /// Midnight UTC as the documents store times (the client's JSON form of a UTC time), so that comparing the stored
    /// strings compares the instants: same offset, and a shorter fraction sorts before a longer one as its number does.
    /// </summary>
    private static string StoredForm(DateOnly day) =>
        JsonSerializer.SerializeToElement(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), TodoJson.Options).GetString()!;

    private sealed record StatisticsUnder(string Validator, TodoStatisticsView Counts);

    private sealed record Sums(
        long? Active = null, long? Completed = null, long? Deleted = null, long? CreatedToday = null, long? CompletedToday = null,
        long? CompletedInWindow = null, double? SecondsToCompleteInWindow = null);
}

/// <summary>
/// The statistics as one read-model pointer and one UTC day name them: a request that answers with the validator and
/// the counts reads both from the same container, for the same day.
/// </summary>
public sealed class LiveStatistics
{
    private readonly TodoStatistics statistics;
    private readonly Container container;
    private readonly ReadModelPointer pointer;
    private readonly DateOnly today;

    internal LiveStatistics(TodoStatistics statistics, Container container, ReadModelPointer pointer, DateOnly today) =>
        (this.statistics, this.container, this.pointer, this.today) = (statistics, container, pointer, today);

    /// <summary>
    /// A short opaque tag that changes whenever the counts may have: the list's validator (any write to the live read
    /// container, statistics documents included, moves it) with the UTC day, on which "today" and the window turn.
    /// It costs no aggregate, so a 304 is cheap.
    /// </summary>
    public Task<string> ValidatorAsync(CancellationToken cancellationToken) =>
        ListValidator.ReadAsync(container, pointer, cancellationToken, today.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>The counts as the aggregate query finds them now.</summary>
    public Task<TodoStatisticsView> ComputeAsync(CancellationToken cancellationToken) => TodoStatistics.ComputeAsync(container, today, cancellationToken);

    /// <summary>
    /// The counts for an answer tagged with <paramref name="validator"/>, read from <see cref="ValidatorAsync"/> first:
    /// the answer last computed under the same validator, without an aggregate, or else <see cref="ComputeAsync"/>.
    /// </summary>
    public Task<TodoStatisticsView> CountsAsync(string validator, CancellationToken cancellationToken) =>
        statistics.UnderAsync(validator, () => ComputeAsync(cancellationToken));
}
