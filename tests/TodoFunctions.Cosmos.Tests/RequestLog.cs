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
        var tally = current.Value;
        tally?.Started();
        var response = await base.SendAsync(request, cancellationToken);
        tally?.Add($"{request.Method} {request.RequestUri}", response.Headers.RequestCharge);
        return response;
    }

    /// <summary>The requests of one measured flow.</summary>
    public sealed class Tally
    {
        private readonly List<(string Request, double Charge)> requests = [];
        private int inFlight;

        /// <summary>The most requests of the flow that were in flight at once: 1 when it sends them one after another.</summary>
        public int MostInFlight { get; private set; }

        public int RoundTrips { get { lock (requests) return requests.Count; } }

        public double RequestCharge { get { lock (requests) return requests.Sum(request => request.Charge); } }

        public IReadOnlyList<string> Requests { get { lock (requests) return [.. requests.Select(request => request.Request)]; } }

        internal void Started()
        {
            lock (requests) MostInFlight = Math.Max(MostInFlight, ++inFlight);
        }

        internal void Add(string request, double charge)
        {
            lock (requests)
            {
                inFlight--;
                requests.Add((request, charge));
            }
        }
    }
}
