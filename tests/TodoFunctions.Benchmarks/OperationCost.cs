namespace TodoFunctions.Benchmarks;

/// <summary>Round trips and request charge per operation, averaged over the times it was measured.</summary>
internal sealed record OperationCost(double Trips, double Charge)
{
    /// <summary>
    /// Splits the requests sent on behalf of <paramref name="operation"/>: those to the events container (the
    /// command's own load and append) and all the others (the read side: read containers and the read-model pointer).
    /// </summary>
    public static (OperationCost Own, OperationCost ReadSide) Of(IEnumerable<CosmosRequest> requests, string operation, string eventsContainer, int count)
    {
        var sent = requests.Where(request => request.Operation == operation).ToList();
        return (Average(sent.Where(request => request.Container == eventsContainer).ToList(), count),
            Average(sent.Where(request => request.Container != eventsContainer).ToList(), count));
    }

    private static OperationCost Average(List<CosmosRequest> requests, int count) =>
        new(requests.Count / (double)count, requests.Sum(request => request.Charge) / count);
}
