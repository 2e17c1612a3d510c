using System.Diagnostics;
using System.Text;
using TodoFunctions.Api.Http;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// Latencies of one write method over HTTP, sent one after the other and alternating: with read-your-writes (the
/// default), then the same request with <c>X-Wait-For-Read-Model: false</c>. Answers that waited and still say
/// <c>X-Read-Model-Caught-Up: false</c> are counted: the read model was not there within the wait's bound.
/// </summary>
internal sealed record ReadYourWritesLatency(string Method, List<double> Waiting, List<double> NotWaiting, int NotCaughtUp)
{
    /// <summary>The answer's header that says whether the read model showed the write (the API's contract, see docs/api.md).</summary>
    private const string CaughtUpHeader = "X-Read-Model-Caught-Up";

    public static Task<ReadYourWritesLatency> PostAsync(HttpClient http, int samples) =>
        SampleAsync(http, "POST", samples, sample => new HttpRequestMessage(HttpMethod.Post, "todos") { Content = Json($$"""{"title":"ryw {{sample}}"}""") });

    /// <summary>
    /// PATCHes 10 todos in turn, each time with a new title, so every request appends one event. Alternating with the
    /// no-wait samples, every waiting PATCH follows a waiting write on its todo: the write-through's best case.
    /// </summary>
    public static Task<ReadYourWritesLatency> PatchAsync(HttpClient http, int samples) =>
        PatchAsync(http, "PATCH", samples, targetCount: 10, (sample, count) => sample % count);

    /// <summary>
    /// PATCHes todos picked at random (seeded) from 40, so about half the waiting PATCHes follow a no-wait write on
    /// their todo, whose read document is then behind.
    /// </summary>
    public static Task<ReadYourWritesLatency> PatchAtRandomAsync(HttpClient http, int samples)
    {
        var random = new Random(12);
        return PatchAsync(http, "PATCH*", samples, targetCount: 40, (_, count) => random.Next(count));
    }

    private static async Task<ReadYourWritesLatency> PatchAsync(HttpClient http, string method, int samples, int targetCount, Func<int, int, int> pick)
    {
        var targets = new List<Uri>();
        for (var i = 0; i < targetCount; i++)
        {
            using var created = await SendAsync(http, new HttpRequestMessage(HttpMethod.Post, "todos") { Content = Json("""{"title":"patched"}""") }, wait: false);
            targets.Add(created.Response.Headers.Location!);
        }
        return await SampleAsync(http, method, samples, sample =>
            new HttpRequestMessage(HttpMethod.Patch, targets[pick(sample, targets.Count)]) { Content = Json($$"""{"title":"patch {{sample}}"}""") });
    }

    private static async Task<ReadYourWritesLatency> SampleAsync(HttpClient http, string method, int samples, Func<int, HttpRequestMessage> request)
    {
        List<double> waiting = [], notWaiting = [];
        var notCaughtUp = 0;
        for (var sample = 0; sample < 2 * samples; sample++)
        {
            var wait = sample % 2 == 0;
            using var sent = await SendAsync(http, request(sample), wait);
            (wait ? waiting : notWaiting).Add(sent.Milliseconds);
            if (wait && !sent.Response.Headers.GetValues(CaughtUpHeader).Contains("true")) notCaughtUp++;
        }
        return new ReadYourWritesLatency(method, waiting, notWaiting, notCaughtUp);
    }

    private static async Task<Sent> SendAsync(HttpClient http, HttpRequestMessage request, bool wait)
    {
        using (request)
        {
            if (!wait) request.Headers.Add(TodoHttp.WaitForReadModelHeader, "false");
            var start = Stopwatch.GetTimestamp();
            var response = await http.SendAsync(request);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            return new Sent(response, elapsed);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private sealed record Sent(HttpResponseMessage Response, double Milliseconds) : IDisposable
    {
        public void Dispose() => Response.Dispose();
    }
}
