namespace TodoFunctions.ChaosSoak;

/// <summary>The invariants a run broke, each with how often and a few examples to start the investigation from.</summary>
internal sealed class Violations
{
    private const int ExamplesShown = 5;

    private readonly Dictionary<string, List<string>> byInvariant = [];

    public bool Any => byInvariant.Count > 0;

    public void Add(string invariant, string example)
    {
        lock (byInvariant)
        {
            if (!byInvariant.TryGetValue(invariant, out var examples)) byInvariant[invariant] = examples = [];
            examples.Add(example);
        }
    }

    public int CountOf(string invariant)
    {
        lock (byInvariant) return byInvariant.TryGetValue(invariant, out var examples) ? examples.Count : 0;
    }

    public void Print()
    {
        foreach (var (invariant, examples) in byInvariant)
        {
            Console.WriteLine($"VIOLATED ({examples.Count}x): {invariant}");
            foreach (var example in examples.Take(ExamplesShown)) Console.WriteLine($"    {example}");
        }
    }
}
