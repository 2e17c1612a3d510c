using System.Net;
using System.Text.Json;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// The trash after convergence, walked page by page: exactly the todos the log leaves deleted and not purged, newest
/// deletion first (ties by id, as the list key orders them), each at its stream's version.
/// </summary>
internal static class TrashChecks
{
    public const string TrashIsTheLog = "the trash, walked page by page, lists the deleted, not purged todos of the log, newest deletion first, each at its version";

    private const int PageSize = 7;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Returns the number of todos in the trash as the log has it.</summary>
    public static async Task<int> CheckAsync(SoakCluster cluster, HttpClient http, StoredLog log, Violations violations)
    {
        var expected = log.Streams.Keys.Select(log.StreamOf)
            .Where(stream => stream.State is { IsDeleted: true, IsPurged: false })
            .OrderByDescending(stream => stream.DeletedAt!.Value.UtcTicks).ThenBy(stream => stream.TodoId.ToString(), StringComparer.Ordinal)
            .Select(stream => $"{stream.TodoId}@{stream.Version}")
            .ToList();
        for (var host = 0; host < SoakCluster.Hosts; host++)
        {
            var root = cluster.BaseAddress(host)!;
            var (walked, waited) = await Polling.UntilAsync(() => WalkAsync(http, root), listed => listed.SequenceEqual(expected), Bound);
            if (waited is null)
                violations.Add(TrashIsTheLog, $"host {host + 1} lists [{string.Join(", ", walked)}], the log has [{string.Join(", ", expected)}]");
        }
        return expected.Count;
    }

    /// <summary>Every page of the trash, following <c>Link: rel="next"</c>; a page that is not 200 ends the walk with its status.</summary>
    private static async Task<List<string>> WalkAsync(HttpClient http, Uri root)
    {
        var listed = new List<string>();
        for (Uri? next = new(root, $"todos/trash?limit={PageSize}"); next is not null;)
        {
            using var response = await http.GetAsync(next);
            if (response.StatusCode != HttpStatusCode.OK) return [.. listed, $"page answered {(int)response.StatusCode}"];
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            listed.AddRange(page.RootElement.EnumerateArray().Select(todo => $"{todo.GetProperty("id").GetGuid()}@{todo.GetProperty("version").GetInt64()}"));
            next = ListWalker.NextLink(response, next);
        }
        return listed;
    }
}
