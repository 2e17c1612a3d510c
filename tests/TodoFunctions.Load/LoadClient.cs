using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace TodoFunctions.Load;

/// <summary>
/// One simulated user: sends one request at a time, on todos it created itself, so clients share nothing and a GET,
/// PATCH or DELETE always names a todo that exists. With none of its own yet, it creates one instead.
/// </summary>
internal sealed class LoadClient(HttpClient http, LoadOptions options, int number)
{
    private readonly Random random = new(number);
    private readonly List<string> todos = [];
    private int created;

    public List<LoadSample> Samples { get; } = [];

    public async Task RunAsync(TimeSpan duration, int? requests, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        for (var sent = 0; sent < (requests ?? int.MaxValue) && Stopwatch.GetElapsedTime(start) < duration && !cancellationToken.IsCancellationRequested; sent++)
        {
            var method = options.Mix.Pick(random);
            await SendAsync(todos.Count == 0 && method is not LoadMethod.List ? LoadMethod.Post : method, cancellationToken);
        }
    }

    private async Task SendAsync(LoadMethod method, CancellationToken cancellationToken)
    {
        var index = random.Next(Math.Max(1, todos.Count));
        using var request = method switch
        {
            LoadMethod.Post => WithBody(HttpMethod.Post, options.TodosUrl, new { title = $"load {number}.{++created}", order = created }),
            LoadMethod.Get => new HttpRequestMessage(HttpMethod.Get, TodoUrl(index)),
            LoadMethod.Patch => WithBody(HttpMethod.Patch, TodoUrl(index), new { completed = random.Next(2) == 1, title = $"load {number}.{index} patched" }),
            LoadMethod.List => new HttpRequestMessage(HttpMethod.Get, $"{options.TodosUrl}?limit={options.ListLimit}"),
            LoadMethod.Delete => new HttpRequestMessage(HttpMethod.Delete, TodoUrl(index)),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
        };
        foreach (var (name, value) in options.Headers) request.Headers.TryAddWithoutValidation(name, value);

        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var milliseconds = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            var succeeded = response.StatusCode == Expected(method);
            Samples.Add(new LoadSample(method, milliseconds, (int)response.StatusCode, succeeded ? null : body));
            if (!succeeded) return;
            if (method is LoadMethod.Post) todos.Add(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!);
            if (method is LoadMethod.Delete) todos.RemoveAt(index);
        }
        catch (Exception failed) when (failed is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Samples.Add(new LoadSample(method, Stopwatch.GetElapsedTime(sent).TotalMilliseconds, LoadSample.NoResponse, failed.Message));
        }
    }

    private string TodoUrl(int index) => $"{options.TodosUrl}/{todos[index]}";

    private static HttpRequestMessage WithBody(HttpMethod method, string url, object body) =>
        new(method, url) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };

    private static HttpStatusCode Expected(LoadMethod method) => method switch
    {
        LoadMethod.Post => HttpStatusCode.Created,
        LoadMethod.Delete => HttpStatusCode.NoContent,
        _ => HttpStatusCode.OK,
    };
}

/// <summary>One request: its method, how long until its whole answer arrived, its status, and the answer when it failed.</summary>
internal sealed record LoadSample(LoadMethod Method, double Milliseconds, int Status, string? Failure)
{
    /// <summary>The status recorded when no answer came: the connection failed or the request timed out.</summary>
    public const int NoResponse = 0;
}
