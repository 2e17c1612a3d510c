using System.Collections.Concurrent;
using System.Globalization;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// Sits under the Cosmos SDK's HttpClient and records every request it sends: the container it targets and the
/// modelled request charge answered. Requests made while <see cref="Measure"/> is active in the caller's async flow
/// are attributed to that operation; the rest come from the change feed processor and the projector.
/// </summary>
internal sealed class CosmosRequestLog() : DelegatingHandler(new SocketsHttpHandler())
{
    private static readonly AsyncLocal<string?> CurrentOperation = new();

    private readonly ConcurrentQueue<CosmosRequest> requests = new();

    public IReadOnlyCollection<CosmosRequest> Requests => requests;

    /// <summary>Attributes the requests sent from here on in this async flow to <paramref name="operation"/>.</summary>
    public IDisposable Measure(string operation)
    {
        CurrentOperation.Value = operation;
        return new Scope();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var charge = response.Headers.TryGetValues("x-ms-request-charge", out var values)
            ? double.Parse(values.First(), CultureInfo.InvariantCulture)
            : 0;
        requests.Enqueue(new CosmosRequest(CurrentOperation.Value, ContainerOf(request.RequestUri!), charge, request.Method.Method));
        return response;
    }

    /// <summary>Gateway paths read <c>/dbs/{db}/colls/{container}/…</c>; account and database requests have no container.</summary>
    private static string ContainerOf(Uri uri)
    {
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var colls = Array.IndexOf(segments, "colls");
        return colls >= 0 && colls + 1 < segments.Length ? segments[colls + 1] : "(account)";
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => CurrentOperation.Value = null;
    }
}

/// <summary>One HTTP request the SDK sent: on whose behalf, to which container, at what modelled charge.</summary>
internal sealed record CosmosRequest(string? Operation, string Container, double Charge, string Method);
