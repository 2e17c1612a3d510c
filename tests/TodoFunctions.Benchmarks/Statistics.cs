namespace TodoFunctions.Benchmarks;

/// <summary>The one way every section of the benchmark summarises a series of latencies: median and p99, in milliseconds.</summary>
internal static class Statistics
{
    public static void Report(string label, List<double> milliseconds) =>
        Console.WriteLine($"  {label,-40} {Percentile(milliseconds, 0.5),7:0.0}  {Percentile(milliseconds, 0.99),7:0.0}");

    public static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Ceiling(fraction * sorted.Count) - 1];
    }
}
