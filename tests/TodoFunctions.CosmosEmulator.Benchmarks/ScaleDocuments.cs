using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

/// <summary>
/// The scale benchmark's data: documents of about 500 bytes shaped like an app's (strings, numbers, a nested
/// object, an array), spread over three containers, one in four written three times so the journal holds history.
/// Deterministic, so a run can be repeated and the known document read back.
/// </summary>
internal static class ScaleDocuments
{
    public static readonly string[] Containers = ["todos", "events", "profiles"];
    public const int Revisions = 3;
    private const int Partitions = 997;

    private static readonly string[] Words =
    [
        "water", "the", "roses", "before", "noon", "call", "plumber", "about", "leaking", "kitchen", "tap", "review",
        "quarterly", "budget", "with", "finance", "team", "book", "flights", "conference", "in", "spring", "renew",
        "passport", "pick", "up", "groceries", "on", "way", "home", "fix", "bike", "brakes", "write", "report",
    ];
    private static readonly string[] Teams = ["platform", "mobile", "payments", "search", "growth"];
    private static readonly string[] Statuses = ["open", "in-progress", "blocked", "done"];

    /// <summary>How many documents make at least <paramref name="liveBytes"/> of live JSON (at least one: the known document).</summary>
    public static (int Count, long JsonBytes) CountFor(long liveBytes)
    {
        var count = 0;
        var jsonBytes = 0L;
        do
            jsonBytes += JsonSize(Final(count++));
        while (jsonBytes < liveBytes);
        return (count, jsonBytes);
    }

    /// <summary>One in four documents is overwritten twice after its creation; the others are written once.</summary>
    public static int RevisionsOf(int index) => index % 4 == 0 ? Revisions : 1;

    public static JObject Final(int index) => Document(index, RevisionsOf(index) - 1);

    public static string ContainerOf(int index) => Containers[index % Containers.Length];

    public static string PartitionOf(int index) => $"tenant-{index % Partitions:D3}";

    public static string IdOf(int index) => $"doc-{index:D7}";

    public static long JsonSize(JObject document) => Encoding.UTF8.GetByteCount(document.ToString(Formatting.None));

    public static JObject Document(int index, int revision) => new()
    {
        ["id"] = IdOf(index),
        ["pk"] = PartitionOf(index),
        ["type"] = ContainerOf(index)[..^1],
        ["title"] = Phrase(index, 4 + index % 5),
        ["description"] = Phrase(index * 7 + revision, 16 + index % 12),
        ["status"] = Statuses[(index + revision) % Statuses.Length],
        ["priority"] = index % 5,
        ["estimateHours"] = 0.5 + index % 16 * 0.25,
        ["createdAt"] = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(index).ToString("O"),
        ["revision"] = revision,
        ["completed"] = (index + revision) % Statuses.Length == Statuses.Length - 1,
        ["owner"] = new JObject
        {
            ["name"] = $"user {index % 211}",
            ["email"] = $"user{index % 211}@example.com",
            ["team"] = Teams[index % Teams.Length],
        },
        ["tags"] = new JArray(Words[index % Words.Length], Words[(index / 3) % Words.Length], $"week-{index % 52}"),
        ["listPosition"] = $"{index:D10}",
    };

    private static string Phrase(int seed, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(word => Words[(seed * 31 + word * 17) % Words.Length]));
}
