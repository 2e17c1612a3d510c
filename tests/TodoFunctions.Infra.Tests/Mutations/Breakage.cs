using System.Text.Json;

namespace TodoFunctions.Infra.Tests.Mutations;

/// <summary>One deliberate breakage of <c>infra/</c>: replace the one occurrence of <see cref="Find"/> in <see cref="File"/>.</summary>
public sealed record Breakage(string Name, string File, string Find, string Replace)
{
    public static IReadOnlyList<Breakage> All { get; } =
        JsonSerializer.Deserialize<List<Breakage>>(
            System.IO.File.ReadAllText(Path.Combine(BicepCli.TestSourceDirectory, "Mutations", "breakages.json")),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    /// <summary>Breaks the copy of <c>infra/</c> in <paramref name="infraCopy"/>; a breakage whose text is gone or ambiguous names itself.</summary>
    public void ApplyTo(DirectoryInfo infraCopy)
    {
        var path = Path.Combine(infraCopy.FullName, File);
        var text = System.IO.File.ReadAllText(path);
        var occurrences = text.Split(Find).Length - 1;
        if (occurrences != 1)
        {
            throw new InvalidOperationException($"Breakage \"{Name}\": its text occurs {occurrences} times in infra/{File}, not once; update Mutations/breakages.json.");
        }

        System.IO.File.WriteAllText(path, text.Replace(Find, Replace));
    }
}
