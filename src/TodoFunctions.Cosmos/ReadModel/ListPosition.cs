using System.Globalization;
using System.Text.RegularExpressions;

namespace TodoFunctions.Cosmos;

/// <summary>
/// The list's order as one stored string whose ordinal order is the API's: order ascending, todos without an order
/// last, then creation time, then id. One key, so an ORDER BY on it needs no composite index; every field is fixed
/// width, so ordinal comparison of the whole string compares field by field.
/// </summary>
internal static partial class ListPosition
{
    /// <summary>Tombstones and todos parked before their creation: after every live todo, so a page walk meets them last if at all.</summary>
    public const string AfterLive = "9";

    public static string For(Guid id, int? order, DateTimeOffset createdAt)
    {
        var created = createdAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        return order is { } value
            ? $"0|{SortableOrder(value)}|{created}|{id:D}"
            : $"1|{created}|{id:D}";
    }

    /// <summary>Whether <paramref name="position"/> has the form <see cref="For"/> gives a live todo, so a cursor may resume after it.</summary>
    public static bool IsLive(string position) => LiveForm().IsMatch(position);

    /// <summary>Shifts the signed order into 0…2³²−1, so ten zero-padded digits sort as the numbers do, negatives first.</summary>
    private static string SortableOrder(int order) =>
        ((long)order - int.MinValue).ToString("D10", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\A(0\|[0-9]{10}\|[0-9]{19}|1\|[0-9]{19})\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\z", RegexOptions.CultureInvariant)]
    private static partial Regex LiveForm();
}
