namespace TodoFunctions.Load;

/// <summary>How often each method is sent, as relative weights: <c>post=20,get=35,patch=25,list=10,delete=10</c>.</summary>
public sealed class LoadMix
{
    private readonly (LoadMethod Method, int Weight)[] weights;
    private readonly int total;

    public LoadMix(IReadOnlyDictionary<LoadMethod, int> weights)
    {
        if (weights.Values.Any(weight => weight < 0) || weights.Values.Sum() == 0)
            throw new ArgumentException("A mix needs weights of zero or more, at least one of them above zero.", nameof(weights));
        this.weights = [.. weights.Where(pair => pair.Value > 0).Select(pair => (pair.Key, pair.Value))];
        total = this.weights.Sum(pair => pair.Weight);
    }

    public static LoadMix Default { get; } = Parse("post=20,get=35,patch=25,list=10,delete=10");

    public IEnumerable<LoadMethod> Methods => weights.Select(pair => pair.Method);

    /// <summary>Reads <c>method=weight</c> pairs separated by commas; a method left out is never sent.</summary>
    public static LoadMix Parse(string text) => new(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(pair => pair.Split('=', 2, StringSplitOptions.TrimEntries))
        .ToDictionary(
            pair => Enum.TryParse<LoadMethod>(pair[0], ignoreCase: true, out var method)
                ? method
                : throw new FormatException($"Unknown method '{pair[0]}' in the mix; use {string.Join(", ", Enum.GetNames<LoadMethod>()).ToLowerInvariant()}."),
            pair => pair.Length == 2 && int.TryParse(pair[1], out var weight)
                ? weight
                : throw new FormatException($"'{string.Join('=', pair)}' in the mix is not method=weight.")));

    public LoadMethod Pick(Random random)
    {
        var ticket = random.Next(total);
        foreach (var (method, weight) in weights)
        {
            if (ticket < weight) return method;
            ticket -= weight;
        }
        throw new InvalidOperationException("Unreachable: the tickets add up to the total.");
    }

    public override string ToString() => string.Join(',', weights.Select(pair => $"{pair.Method.ToString().ToLowerInvariant()}={pair.Weight}"));
}
