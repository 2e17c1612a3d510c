namespace TodoFunctions.Load;

/// <summary>The figures of one method (or of all): answered as expected per second, latency p50 and p99, failures by status.</summary>
public sealed record MethodFigures(string Name, int Succeeded, double PerSecond, double P50, double P99, IReadOnlyDictionary<int, int> FailuresByStatus)
{
    public int Failures => FailuresByStatus.Values.Sum();

    internal static MethodFigures From(string name, IReadOnlyList<LoadSample> samples, TimeSpan elapsed)
    {
        var latencies = samples.Where(sample => sample.Failure is null).Select(sample => sample.Milliseconds).Order().ToArray();
        var failures = samples.Where(sample => sample.Failure is not null).GroupBy(sample => sample.Status).ToDictionary(group => group.Key, group => group.Count());
        return new(name, latencies.Length, latencies.Length / elapsed.TotalSeconds, Percentile(latencies, 0.5), Percentile(latencies, 0.99), failures);
    }

    /// <summary>Nearest rank; <c>NaN</c> when nothing succeeded.</summary>
    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? double.NaN : sorted[(int)Math.Ceiling(fraction * sorted.Length) - 1];
}

/// <summary>What a load run measured, per method and in total, with the first answer of each kind of failure.</summary>
/// <param name="Writes">POST, PATCH and DELETE together: the write throughput.</param>
/// <param name="FailureExamples">For each method and unexpected status, the first answer (or connection error) seen.</param>
public sealed record LoadReport(
    IReadOnlyDictionary<LoadMethod, MethodFigures> Methods, MethodFigures Writes, MethodFigures Total, IReadOnlyList<string> FailureExamples)
{
    private const int FailureExcerpt = 300;

    internal static LoadReport From(IReadOnlyList<LoadSample> samples, TimeSpan elapsed) => new(
        samples.GroupBy(sample => sample.Method).OrderBy(group => group.Key)
            .ToDictionary(group => group.Key, group => MethodFigures.From(group.Key.ToString().ToUpperInvariant(), [.. group], elapsed)),
        MethodFigures.From("writes", [.. samples.Where(sample => sample.Method is LoadMethod.Post or LoadMethod.Patch or LoadMethod.Delete)], elapsed),
        MethodFigures.From("total", samples, elapsed),
        [.. samples.Where(sample => sample.Failure is not null).DistinctBy(sample => (sample.Method, sample.Status))
            .Select(sample => $"{sample.Method.ToString().ToUpperInvariant()} {Status(sample.Status)}: {Excerpt(sample.Failure!)}")]);

    public void Print(TextWriter writer)
    {
        writer.WriteLine($"  {"method",-8} {"ops/s",9} {"p50 ms",8} {"p99 ms",8}  failures");
        foreach (var figures in Methods.Values.Append(Writes).Append(Total))
        {
            var failures = string.Join(", ", figures.FailuresByStatus.OrderBy(pair => pair.Key).Select(pair => $"{pair.Value}x {Status(pair.Key)}"));
            writer.WriteLine($"  {figures.Name,-8} {figures.PerSecond,9:0.0} {figures.P50,8:0.0} {figures.P99,8:0.0}  {(failures.Length == 0 ? "none" : failures)}");
        }
        foreach (var example in FailureExamples) writer.WriteLine($"  ! {example}");
    }

    private static string Status(int status) => status == LoadSample.NoResponse ? "no response" : status.ToString();

    private static string Excerpt(string text) => text.Length <= FailureExcerpt ? text : $"{text[..FailureExcerpt]}…";
}
