using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// Counts the Cosmos requests (round trips) and request charge of one logical flow: only requests made inside
/// <see cref="Measure"/>'s scope count, so the change feed processor's own polling in the same client does not.
/// </summary>
internal sealed class RequestLog : RequestHandler
{
    private readonly AsyncLocal<Tally?> current = new();

    public Tally Measure() => current.Value = new Tally();

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        current.Value?.Add($"{request.Method} {request.RequestUri}", response.Headers.RequestCharge);
        return response;
    }

    /// <summary>The requests of one measured flow.</summary>
    public sealed class Tally
    {
        private readonly List<(string Request, double Charge)> requests = [];

        public int RoundTrips { get { lock (requests) return requests.Count; } }

        public double RequestCharge { get { lock (requests) return requests.Sum(request => request.Charge); } }

        public IReadOnlyList<string> Requests { get { lock (requests) return [.. requests.Select(request => request.Request)]; } }

        internal void Add(string request, double charge)
        {
            lock (requests) requests.Add((request, charge));
        }
    }
}
