/// <summary>A data directory filled by the scale benchmark, and how fast the writes went (null: too few to say).</summary>
internal sealed record ScaleFill(int Megabytes, string Directory, int Documents, long JsonBytes,
    double? PointWritesPerSecond, double? ImportWritesPerSecond, bool BulkRefused);

/// <summary>One start of the standalone emulator on a filled data directory.</summary>
internal sealed record ScaleRestart(int Run, long DiskBytes, TimeSpan Start, long RssAfterStart, long RssAfterScan, TimeSpan Scan);

/// <summary>
/// The scale benchmark's figures as one Markdown table (it goes into docs/emulator-scale.md as it is), each beside the goal
/// issue 16 sets for it.
/// </summary>
internal static class ScaleTable
{
    private const double Megabyte = 1_000_000;

    public static void Print(IReadOnlyList<(ScaleFill Fill, IReadOnlyList<ScaleRestart> Restarts)> results)
    {
        var empty = results.Single(result => result.Fill.Megabytes == 0).Restarts.Select(restart => restart.RssAfterScan).Order().ToList();
        var emptyRss = empty[empty.Count / 2];
        Console.WriteLine("| live data | documents | import, writes/s | point writes/s | run | on disk | spawn to first read (goal) | " +
            "replay, disk (goal ≥ 100 MB/s) | replay, live JSON | RSS after start | RSS after full scan | per document above empty | " +
            "RSS ÷ live JSON (goal ≤ 3×) | full scan |");
        Console.WriteLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (fill, restarts) in results)
        {
            foreach (var restart in restarts)
            {
                var first = restart.Run == 1;
                var seconds = restart.Start.TotalSeconds;
                var hasData = fill.Megabytes > 0;
                Console.WriteLine(string.Join(" | ",
                    "",
                    first ? $"{fill.Megabytes} MB ({fill.JsonBytes / Megabyte:N1} MB JSON)" : "",
                    first ? $"{fill.Documents:N0}" : "",
                    first ? Import(fill) : "",
                    first ? Rate(fill.PointWritesPerSecond) : "",
                    $"{restart.Run}",
                    $"{restart.DiskBytes / Megabyte:N1} MB",
                    $"{seconds:N2} s (≤ {(hasData ? 2 : 1)} s)",
                    hasData ? $"{restart.DiskBytes / Megabyte / seconds:N1} MB/s" : "—",
                    hasData ? $"{fill.JsonBytes / Megabyte / seconds:N1} MB/s" : "—",
                    $"{restart.RssAfterStart / Megabyte:N0} MB",
                    $"{restart.RssAfterScan / Megabyte:N0} MB",
                    hasData ? $"{(restart.RssAfterScan - emptyRss) / (double)fill.Documents:N0} B" : "—",
                    hasData ? $"{restart.RssAfterScan / (double)fill.JsonBytes:N1}×" : "—",
                    $"{restart.Scan.TotalSeconds:N2} s",
                    "").Trim());
            }
        }
        Console.WriteLine($"Per document above empty: (RSS after the full scan − the empty emulator's {emptyRss / Megabyte:N0} MB) ÷ documents. " +
            "Replay: MB ÷ the whole start (spawn to first read), process start included.");
    }

    private static string Import(ScaleFill fill) =>
        fill.BulkRefused ? $"bulk refused (400); point {Rate(fill.ImportWritesPerSecond)}" : $"bulk {Rate(fill.ImportWritesPerSecond)}";

    private static string Rate(double? perSecond) => perSecond is { } rate ? $"{rate:N0}" : "—";
}
