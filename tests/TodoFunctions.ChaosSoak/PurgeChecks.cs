using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Cosmos;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// After convergence, no title the workload ever sent for a todo that the log shows purged is left anywhere: in no
/// stored document of the events container or of either read container (every document, read through the SDK), and in no answer of <c>GET todos/{id}</c> or of any page of <c>GET todos/{id}/events</c>.
/// Titles are unique to the request that sent them, so finding one names the todo it belongs to.
/// </summary>
internal static class PurgeChecks
{
    public const string TitlesFoundNowhere = "no title sent for a purged todo is found in a stored document or an answer";

    private static readonly string[] ScannedContainers =
        [TodoStoreLayout.EventsContainer, TodoStoreLayout.ReadModelContainer, TodoStoreLayout.AlternateReadModelContainer];

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Returns how many todos the log shows purged.</summary>
    public static async Task<int> CheckAsync(Database database, SoakCluster cluster, HttpClient http, StoredLog log, IReadOnlyCollection<Exchange> exchanges, Violations violations)
    {
        var purged = log.Streams.Keys.Where(log.IsPurged).ToHashSet();
        var owners = TitlesOf(purged, log, exchanges);
        // A purge whose answer was lost is masked by the projector's pass, which may still be under way.
        var (found, _) = await Polling.UntilAsync(() => TitlesOfPurgedStoredAsync(database, owners), found => found.Count == 0, Bound);
        foreach (var stored in found) violations.Add(TitlesFoundNowhere, stored);

        var host = 0;
        foreach (var id in purged)
        {
            var root = cluster.BaseAddress(host++ % SoakCluster.Hosts)!;
            for (Uri? next = new(root, $"todos/{id}/events"); next is not null;)
            {
                using var response = await http.GetAsync(next);
                CheckAnswer(next, await response.Content.ReadAsStringAsync(), owners, violations);
                next = ListWalker.NextLink(response, next);
            }
            using var todo = await http.GetAsync(new Uri(root, $"todos/{id}"));
            if (todo.StatusCode != HttpStatusCode.NotFound) violations.Add(TitlesFoundNowhere, $"GET todos/{id} of a purged todo answered {(int)todo.StatusCode}");
            CheckAnswer(todo.RequestMessage!.RequestUri!, await todo.Content.ReadAsStringAsync(), owners, violations);
        }
        return purged.Count;
    }

    private static async Task<List<string>> TitlesOfPurgedStoredAsync(Database database, Dictionary<string, Guid> owners)
    {
        var found = new List<string>();
        foreach (var container in ScannedContainers)
            foreach (var (id, title) in await TitlesStoredAsync(database.GetContainer(container)))
                if (owners.TryGetValue(title, out var owner)) found.Add($"{container} document {id} holds \"{title}\", a title of purged todo {owner}");
        return found;
    }

    /// <summary>
    /// Each title sent in a request whose target was a purged todo, or whose events the log holds on one (a create
    /// learns its todo's id only from its answer, which may never have come), mapped to that todo.
    /// </summary>
    private static Dictionary<string, Guid> TitlesOf(HashSet<Guid> purged, StoredLog log, IReadOnlyCollection<Exchange> exchanges)
    {
        var owners = new Dictionary<string, Guid>();
        foreach (var exchange in exchanges.Where(e => e.Title is not null))
        {
            var todos = log.ByCorrelationId[exchange.CorrelationId].Select(e => e.TodoId).Append(exchange.TodoId ?? Guid.Empty);
            if (todos.FirstOrDefault(purged.Contains) is var owner && owner != Guid.Empty) owners[exchange.Title!] = owner;
        }
        return owners;
    }

    private static void CheckAnswer(Uri request, string body, Dictionary<string, Guid> owners, Violations violations)
    {
        foreach (var title in TitlesIn(body).Where(owners.ContainsKey))
            violations.Add(TitlesFoundNowhere, $"GET {request.PathAndQuery} answers \"{title}\", a title of purged todo {owners[title]}");
    }

    /// <summary>Every workload title in a text, also where a document keeps a title inside a string of its own (a stored answer).</summary>
    private static IEnumerable<string> TitlesIn(string text) => Workload.Titles().Matches(text).Select(match => match.Value);

    /// <summary>Every workload title in every document of the container, with the id of the document that holds it.</summary>
    private static async Task<List<(string Id, string Title)>> TitlesStoredAsync(Container container)
    {
        var found = new List<(string, string)>();
        using var query = container.GetItemQueryStreamIterator("SELECT * FROM c");
        while (query.HasMoreResults)
        {
            using var page = await query.ReadNextAsync();
            page.EnsureSuccessStatusCode();
            using var json = await JsonDocument.ParseAsync(page.Content);
            foreach (var document in json.RootElement.GetProperty("Documents").EnumerateArray())
                found.AddRange(TitlesIn(document.GetRawText()).Select(title => (document.GetProperty("id").GetString()!, title)));
        }
        return found;
    }
}
