using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TodoFunctions.Local;

namespace TodoFunctions.ChaosSoak;

/// <summary>
/// The read model after the faults stopped: it must converge to the fold of every stream on both hosts, answer every
/// todo's GET as its fold, and have parked nothing, since every fault the soak injects is transient.
/// </summary>
internal sealed class ReadModelChecks(SoakCluster cluster, Container events, HttpClient http)
{
    public const string Converges = "the read model (the list on both hosts) converges to the fold of every stream within 30 s of the faults stopping";
    public const string EveryGetIsTheFold = "GET of every todo answers the fold of its stream, at its version, not stale";
    public const string NothingParked = "no todo is parked for a transient fault";

    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Observation = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls until both hosts list exactly the log's live todos, and returns the time that took. It watches past the
    /// liveness bound, up to <see cref="Observation"/>, so that a slow convergence can be told from a lost write.
    /// </summary>
    public async Task<TimeSpan?> AwaitConvergenceAsync(Violations violations)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < Observation)
        {
            var expected = (await StoredLog.ReadAsync(events)).LiveTodos();
            if (await HostsListAsync(expected))
            {
                if (waited.Elapsed > Liveness) violations.Add(Converges, $"it converged only after {waited.Elapsed.TotalSeconds:0.0} s");
                return waited.Elapsed;
            }
            await Task.Delay(PollInterval);
        }
        violations.Add(Converges, $"after {Observation.TotalSeconds} s the lists still differ from the fold");
        return null;
    }

    public async Task CheckEveryTodoAsync(StoredLog log, Violations violations)
    {
        var host = 0;
        foreach (var (id, stream) in log.Streams)
        {
            var root = cluster.BaseAddress(host++ % SoakCluster.Hosts)!;
            using var response = await http.GetAsync(new Uri(root, $"todos/{id}"));
            var expected = log.StateAt(id, long.MaxValue)!;
            var folded = expected.IsDeleted
                ? "404"
                : $"{StoredLog.Line(id, expected)} @\"{stream[^1].Version}\"";
            var answered = response.StatusCode == HttpStatusCode.OK
                ? $"{TodoLine(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement)} @{response.Headers.ETag?.Tag}"
                    + (response.Headers.TryGetValues("X-Read-Model-Stale", out var stale) ? $" stale {stale.Single()}" : "")
                : $"{(int)response.StatusCode}";
            if (answered != folded) violations.Add(EveryGetIsTheFold, $"GET todos/{id} answered [{answered}], the fold is [{folded}]");
        }
    }

    public async Task CheckNothingParkedAsync(Violations violations)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.BaseAddress(0)!, "admin/projections/todos/parked"));
        request.Headers.Add(FunctionKey.Header, SoakCluster.AdminKey);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            violations.Add(NothingParked, $"the parked list answered {(int)response.StatusCode}: {body}");
            return;
        }
        foreach (var parked in JsonDocument.Parse(body).RootElement.EnumerateArray())
            violations.Add(NothingParked, parked.GetRawText());
    }

    private async Task<bool> HostsListAsync(IReadOnlyList<string> expected)
    {
        for (var host = 0; host < SoakCluster.Hosts; host++)
        {
            using var response = await http.GetAsync(new Uri(cluster.BaseAddress(host)!, "todos"));
            if (response.StatusCode != HttpStatusCode.OK) return false;
            var listed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(TodoLine).Order(StringComparer.Ordinal);
            if (!listed.SequenceEqual(expected)) return false;
        }
        return true;
    }

    /// <summary>A todo's representation as a <see cref="StoredLog.Line"/>, marked when the read model calls it stale.</summary>
    private static string TodoLine(JsonElement todo)
    {
        var order = todo.GetProperty("order");
        var line = StoredLog.Line(todo.GetProperty("id").GetGuid(), todo.GetProperty("title").GetString()!, todo.GetProperty("completed").GetBoolean(),
            order.ValueKind == JsonValueKind.Null ? null : order.GetInt32(), DueDateOf(todo));
        return todo.TryGetProperty("stale", out _) ? $"{line} stale" : line;
    }

    /// <summary>A todo representation's <c>dueDate</c>; absent means none.</summary>
    public static DateOnly? DueDateOf(JsonElement todo) =>
        todo.TryGetProperty("dueDate", out var due) && due.ValueKind == JsonValueKind.String ? DateOnly.ParseExact(due.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
}
