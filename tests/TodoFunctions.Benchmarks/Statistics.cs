namespace TodoFunctions.Benchmarks;

/// <summary>The one way every section of the benchmark summarises a series of latencies: median and p99, in milliseconds.</summary>
internal static class Statistics
{
    public static void Report(string label, List<double> milliseconds) =>
        Console.WriteLine($"  {label,-40} {Percentile(milliseconds, 0.5),7:0.0}  {Percentile(milliseconds, 0.99),7:0.0}");

    /// <summary>How many times slower the first series is than the baseline, at the median and at p99.</summary>
    public static void ReportRatio(string label, List<double> milliseconds, List<double> baseline) =>
        Console.WriteLine($"  {label,-40} {Percentile(milliseconds, 0.5) / Percentile(baseline, 0.5),7:0.0}x {Percentile(milliseconds, 0.99) / Percentile(baseline, 0.99),7:0.0}x");

    public static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Ceiling(fraction * sorted.Count) - 1];
    }
}
