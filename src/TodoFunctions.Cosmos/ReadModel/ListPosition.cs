using System.Globalization;
using System.Text.RegularExpressions;

namespace TodoFunctions.Cosmos;

/// <summary>
/// The list's order as one stored string whose ordinal order is the API's: order ascending, todos without an order
/// last, then creation time, then id. One key, so an ORDER BY on it needs no composite index; every field is fixed
/// width, so ordinal comparison of the whole string compares field by field. A todo in the trash sorts after every
/// live one, newest deletion first, so the list and the trash are two ranges of the same key.
/// </summary>
internal static partial class ListPosition
{
    /// <summary>Tombstones and todos parked before their creation: after every live todo, so a page walk meets them last if at all.</summary>
    public const string AfterLive = "9";

    /// <summary>What every trashed todo's position starts with; tombstones outside the trash stay at <see cref="AfterLive"/>, below it.</summary>
    public const string TrashPrefix = AfterLive + "|";

    /// <summary>Above every trashed todo's position ('}' follows '|'), so the trash is one bounded range.</summary>
    public const string AfterTrash = AfterLive + "}";

    public static string For(Guid id, int? order, DateTimeOffset createdAt)
    {
        var created = createdAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        return order is { } value
            ? $"0|{SortableOrder(value)}|{created}|{id:D}"
            : $"1|{created}|{id:D}";
    }

    /// <summary>
    /// A deleted todo's position: in the trash, newest deletion first, when it was deleted at a known time and not
    /// purged; otherwise (a purged todo, or a tombstone folded before deletion times were kept) <see cref="AfterLive"/>.
    /// </summary>
    public static string ForDeleted(Guid id, DateTimeOffset? deletedAt, bool purged) => deletedAt is { } deleted && !purged
        ? $"{TrashPrefix}{(DateTimeOffset.MaxValue.UtcTicks - deleted.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)}|{id:D}"
        : AfterLive;

    /// <summary>Whether <paramref name="position"/> has the form <see cref="For"/> gives a live todo, so a cursor may resume after it.</summary>
    public static bool IsLive(string position) => LiveForm().IsMatch(position);

    /// <summary>Whether <paramref name="position"/> has the form <see cref="ForDeleted"/> gives a todo in the trash.</summary>
    public static bool IsInTrash(string position) => TrashForm().IsMatch(position);

    /// <summary>Shifts the signed order into 0…2³²−1, so ten zero-padded digits sort as the numbers do, negatives first.</summary>
    private static string SortableOrder(int order) =>
        ((long)order - int.MinValue).ToString("D10", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\A(0\|[0-9]{10}\|[0-9]{19}|1\|[0-9]{19})\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\z", RegexOptions.CultureInvariant)]
    private static partial Regex LiveForm();

    [GeneratedRegex(@"\A9\|[0-9]{19}\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TrashForm();
}
