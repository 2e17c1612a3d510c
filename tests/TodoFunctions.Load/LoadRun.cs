using System.Diagnostics;

namespace TodoFunctions.Load;

/// <summary>Runs the clients of <see cref="LoadOptions"/> for its duration against a host named only by URL, and summarises them.</summary>
public static class LoadRun
{
    public static async Task<LoadReport> RunAsync(LoadOptions options, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var clients = Enumerable.Range(0, options.Clients).Select(number => new LoadClient(http, options, number)).ToList();
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(clients.Select(client => client.RunAsync(options.Duration, options.RequestsPerClient, cancellationToken)));
        return LoadReport.From([.. clients.SelectMany(client => client.Samples)], Stopwatch.GetElapsedTime(start));
    }
}
